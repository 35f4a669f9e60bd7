import type { Embedder } from './embedder'
import { identifierTokens, splitIdentifier } from '../text/identifiers'
import { canonicalWord, STOP_WORDS } from '../text/vocabulary'

/**
 * Pure syntax that every chunk of a language repeats and no one searches for. Words with meaning
 * in a question ("returns", "true", "null", "string", "async", "class") stay: dropping them lost
 * matches like "a function that always returns false" → `() => false` on the search benchmark.
 */
const KEYWORDS = new Set(
  (
    'const let var import export from default this self typeof instanceof void in of module exports prototype ' +
    'require def fn pub mut impl func package elif pass end then local'
  ).split(' '),
)

/** A light suffix stemmer: plural, -ed, -ing, -ly and a final -e, so "creates", "created" and "create" meet. */
export function stem(w: string): string {
  if (w.length <= 3) return w
  let s = w
  if (s.endsWith('ies') && s.length > 4) s = `${s.slice(0, -3)}y`
  else if (s.endsWith('sses')) s = s.slice(0, -2)
  else if (/(?:xes|ches|shes|zes)$/.test(s)) s = s.slice(0, -2)
  else if (s.endsWith('s') && !s.endsWith('ss') && !s.endsWith('us') && !s.endsWith('is')) s = s.slice(0, -1)
  if (s.endsWith('ing') && s.length > 6) s = s.slice(0, -3)
  else if (s.endsWith('ed') && s.length > 4) s = s.slice(0, -2)
  else if (s.endsWith('ly') && s.length > 4) s = s.slice(0, -2)
  if (s.endsWith('e') && s.length > 4) s = s.slice(0, -1)
  return s
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Adds `weight` at a feature slot (index·2 + sign bit: featuresOf), negated when the bit is set. */
function addAt(v: Float32Array, slot: number, weight: number): void {
  v[slot >> 1] = (v[slot >> 1] ?? 0) + (slot & 1 ? -weight : weight)
}

/**
 * Most tokens (and words) remembered: code repeats its identifiers, and splitting, canonicalising
 * and stemming one again was most of the embedder's time. Each memo starts over when full, so it
 * stays a few MB on any tree.
 */
const MEMO_MAX = 30_000

/** A token's words as the embedder sees them (embedderWords), by token. */
const tokenWords = new Map<string, readonly string[]>()

function wordsOfToken(tok: string): readonly string[] {
  const known = tokenWords.get(tok)
  if (known) return known
  const words: string[] = []
  if (tok.length <= 64 && !/^[0-9]/.test(tok))
    for (const part of splitIdentifier(tok)) {
      if (part.length < 2 || KEYWORDS.has(part) || STOP_WORDS.has(part)) continue
      words.push(stem(canonicalWord(part)))
    }
  if (tokenWords.size >= MEMO_MAX) tokenWords.clear()
  tokenWords.set(tok, words)
  return words
}

/** The content words of a text as the embedder sees them: identifiers split, canonical, stemmed. */
export function embedderWords(text: string): string[] {
  const out: string[] = []
  for (const tok of identifierTokens(text)) for (const w of wordsOfToken(tok)) out.push(w)
  return out
}

export interface CodeHashEmbedderOptions {
  dimensions: number
  /** Weight of a word's character trigrams relative to the word itself. */
  gramWeight: number
}

/**
 * The embedded default embedder: feature hashing of code-aware words into a fixed-size vector,
 * no model, no download, ~0.1 ms per chunk. Identifiers are split and abbreviations mapped to
 * their long form before hashing, and each word also contributes its character trigrams, so
 * "unique" meets `uniq` and "normalize" meets `normalized` even where the full-text index (exact
 * lexemes) does not. The first line (the file path) counts double: names are the best evidence
 * code has. Measured against the alternatives in docs/BENCHMARKS.md ("## Search").
 */
export class CodeHashEmbedder implements Embedder {
  readonly id: string
  readonly dimensions: number
  readonly maxBatch = 256
  private readonly opts: CodeHashEmbedderOptions
  /** Per word, where its features land (featuresOf). */
  private readonly features = new Map<string, Int32Array>()

  constructor(options: Partial<CodeHashEmbedderOptions> = {}) {
    // 512: at 256, hash collisions pulled unrelated files in on the Python and Go sets (vector
    // MRR@10 0.42 / 0.50 against 0.47 / 0.55 at 512), for twice the vector storage. A new id,
    // so an index made at 256 re-embeds once; one opened as 'stored' keeps its own dimensions.
    this.opts = { dimensions: 512, gramWeight: 0.35, ...options }
    this.dimensions = this.opts.dimensions
    // The id is the embedding cache key: bump the version whenever the features change.
    this.id = `hearth-hash:v2-${this.opts.dimensions}-${this.opts.gramWeight}`
  }

  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    signal?.throwIfAborted()
    return Promise.resolve(texts.map((t) => this.embedOne(t)))
  }

  embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dimensions)
    const nl = text.indexOf('\n')
    const tf = new Map<string, number>()
    const add = (words: string[], weight: number): void => {
      for (const w of words) tf.set(w, (tf.get(w) ?? 0) + weight)
    }
    if (nl > 0 && !text.slice(0, nl).includes(' ')) {
      add(embedderWords(text.slice(0, nl)), 2)
      add(embedderWords(text.slice(nl + 1)), 1)
    } else add(embedderWords(text), 1)
    for (const [w, n] of tf) {
      // Sublinear term frequency: a word repeated 20 times is not 20 times the evidence.
      const weight = 1 + Math.log(n)
      const f = this.featuresOf(w)
      addAt(v, f[0] as number, weight)
      if (f.length === 1) continue
      const gw = (weight * this.opts.gramWeight) / Math.sqrt(f.length - 1)
      for (let i = 1; i < f.length; i++) addAt(v, f[i] as number, gw)
    }
    let norm = 0
    for (let i = 0; i < v.length; i++) norm += (v[i] ?? 0) * (v[i] ?? 0)
    norm = Math.sqrt(norm)
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm
    return v
  }

  /**
   * Where a word's features land: the word itself, then its character trigrams (when it has more
   * than one), each as index·2 + sign bit, so embedOne only adds (no feature strings to build and
   * hash again for a word seen before).
   */
  private featuresOf(w: string): Int32Array {
    const known = this.features.get(w)
    if (known) return known
    const padded = `<${w}>`
    const grams = padded.length - 2
    const f = new Int32Array(grams <= 1 ? 1 : 1 + grams)
    f[0] = this.slot(`w:${w}`)
    if (grams > 1)
      for (let i = 0; i + 3 <= padded.length; i++) f[1 + i] = this.slot(`g:${padded.slice(i, i + 3)}`)
    if (this.features.size >= MEMO_MAX) this.features.clear()
    this.features.set(w, f)
    return f
  }

  private slot(feature: string): number {
    const h = fnv1a(feature)
    // The sign bit from another part of the hash keeps collisions from only ever adding up.
    return (h % this.dimensions) * 2 + (h & 0x80000000 ? 1 : 0)
  }
}
