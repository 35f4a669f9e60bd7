import { HearthError } from '@shared/errors'
import type { Embedder } from '../inference/embedder'
import { globToRegExp, processQuery, type ProcessedQuery } from './query'
import type { ChunkText, SearchFilter, StoreHit } from './store/protocol'
import { describeError } from './store/storeErrors'

export type SearchMode = 'hybrid' | 'vector' | 'fts'
export type Fusion = 'rrf' | 'weighted'

export interface SearchOptions {
  mode: SearchMode
  limit: number
  /** At most this many results from one file (2 by default: variety beats five hits in one file). */
  maxPerFile: number
  fusion: Fusion
  pathGlob?: string
  languages?: string[]
}

// Weighted 70/30 beat RRF on MRR@10 and Recall@1 on the search benchmark (RRF had the better
// Recall@10): docs/BENCHMARKS.md "## Search".
export const DEFAULT_SEARCH: SearchOptions = { mode: 'hybrid', limit: 10, maxPerFile: 2, fusion: 'weighted' }

export interface SearchResult {
  path: string
  startLine: number
  endLine: number
  score: number
  snippet: string
  /** First line of the snippet in the file. */
  snippetLine: number
  /** Lines (absolute) that contain a query word, for highlighting. */
  matchLines: number[]
  language: string
  symbols: string[]
}

export interface SearchResponse {
  results: SearchResult[]
  /** The mode that actually ran (hybrid degrades to fts without an embedder). */
  mode: SearchMode
  /** Set when the results are weaker than asked for, e.g. "no embedder reachable: full-text only". */
  notice?: string
  ms: number
}

/** What search needs from the store (the worker client satisfies it; tests may pass an IndexDb adapter). */
export interface SearchBackend {
  searchFts(args: {
    terms: ProcessedQuery['terms']
    limit: number
    filter?: SearchFilter
  }): Promise<StoreHit[]>
  /** Nearest chunks, filtered (for filtered searches: the filter needs each hash's chunks). */
  searchVector(args: { vector: number[]; limit: number; filter?: SearchFilter }): Promise<StoreHit[]>
  /** Nearest chunk texts by hash, nearest first (cosine distance): unfiltered searches. */
  nearestHashes(args: { vector: number[]; k: number }): Promise<{ hash: string; d: number }[]>
  /** The chunks to show, by id and by text hash. */
  chunkTexts(args: { ids: number[]; hashes?: string[] }): Promise<ChunkText[]>
}

/**
 * A vector-side result: a chunk, or (unfiltered searches) a text hash whose chunks are looked up
 * only if it is shown.
 */
export type VectorHit = StoreHit | { hash: string; score: number }

/**
 * A fused result: a chunk, or a text hash only the vector side found. `score` is the fused score
 * (a chunk's own `hit.score` is one side's; showable gives the result the fused one).
 */
export type Candidate = { hit: StoreHit; score: number } | { hash: string; score: number }

export interface VectorSide {
  embedder: Embedder
  /** False while no chunk has a vector yet (nothing to search) or the embedder is failing. */
  ready: boolean
  reason?: string
}

const RRF_K = 60
const WEIGHT_VECTOR = 0.7

export async function search(
  backend: SearchBackend,
  vectors: VectorSide | null,
  query: string,
  options: Partial<SearchOptions> = {},
  signal?: AbortSignal,
  /** Why there is no vector side, when `vectors` is null. */
  noVectorsReason = 'no embedder configured',
): Promise<SearchResponse> {
  const t0 = performance.now()
  const opts = { ...DEFAULT_SEARCH, ...options }
  const q = processQuery(query)
  const filter: SearchFilter = {}
  if (opts.pathGlob) filter.pathRegex = globToRegExp(opts.pathGlob)
  if (opts.languages?.length) filter.languages = opts.languages
  let mode = opts.mode
  let notice: string | undefined
  if (mode !== 'fts' && (!vectors || !vectors.ready)) {
    const why = vectors ? (vectors.reason ?? 'embeddings not ready') : noVectorsReason
    if (mode === 'vector') throw new HearthError('unavailable', `vector search unavailable: ${why}`)
    mode = 'fts'
    notice = `${why}: full-text results only`
  }
  // Fusion needs depth: a chunk ranked 30th by one side can win with the other's help.
  const depth = Math.max(60, opts.limit * opts.maxPerFile * 4)
  const ftsP =
    mode === 'vector' ? Promise.resolve([]) : backend.searchFts({ terms: q.terms, limit: depth, filter })
  let vecHits: VectorHit[] = []
  const filtered = filter.pathRegex !== undefined || filter.languages !== undefined
  if (mode !== 'fts' && vectors) {
    try {
      const [embedded] = await vectors.embedder.embed([query], signal)
      // A query of only common words, digits or symbols embeds to a zero vector, whose cosine
      // distance to anything is NaN: it has nothing for the vector side to match.
      const vec = embedded && hasDirection(embedded) ? embedded : undefined
      if (!vec) {
        notice = mode === 'vector' ? NOTHING_TO_EMBED : `${NOTHING_TO_EMBED}: full-text results only`
        if (mode === 'hybrid') mode = 'fts'
      }
      // Unfiltered, the nearest hashes are fused as they are and only the shown few are mapped to
      // chunks (with their text, in one request after the full-text query): see chunkTexts.
      if (vec && filtered)
        vecHits = await backend.searchVector({ vector: Array.from(vec), limit: depth, filter })
      else if (vec)
        vecHits = (await backend.nearestHashes({ vector: Array.from(vec), k: depth })).map((n) => ({
          hash: n.hash,
          score: 1 - n.d,
        }))
    } catch (err) {
      if (mode === 'vector') throw err
      mode = 'fts'
      notice = `vector search failed (${describeError(err)}): full-text results only`
    }
  }
  const ftsHits = await ftsP
  signal?.throwIfAborted()
  let ranked: Candidate[]
  if (mode === 'fts') ranked = ftsHits.map((hit) => ({ hit, score: hit.score }))
  else if (mode === 'vector') ranked = vecHits.map(asCandidate)
  else ranked = opts.fusion === 'rrf' ? fuseRrf(ftsHits, vecHits) : fuseWeighted(ftsHits, vecHits)
  // A score the contract cannot carry (NaN from a degenerate vector) never reaches the user.
  ranked = ranked.filter((c) => Number.isFinite(c.score))
  if (q.terms.length === 0 && mode === 'fts' && !notice) notice = NOTHING_TO_SEARCH
  const results = await showable(backend, ranked, opts, q)
  signal?.throwIfAborted()
  const res: SearchResponse = { results, mode, ms: Math.round(performance.now() - t0) }
  if (notice) res.notice = notice
  return res
}

const NOTHING_TO_EMBED =
  'the query has only common words, numbers or symbols, which semantic search cannot match'
const NOTHING_TO_SEARCH = 'nothing to search for: the query has only common words or symbols'

/** Whether a vector points anywhere (not all zeros, no NaN): only then is a cosine distance defined. */
function hasDirection(v: ArrayLike<number>): boolean {
  let sum = 0
  for (let i = 0; i < v.length; i++) sum += (v[i] ?? 0) * (v[i] ?? 0)
  return sum > 0 && Number.isFinite(sum)
}

/**
 * The best `limit` results, at most `maxPerFile` from one file, with their text: ranking never
 * needed it, so it is fetched for these few only, together with the chunks of the text hashes
 * among them. A chunk deleted since it was ranked is passed over.
 */
async function showable(
  backend: SearchBackend,
  ranked: Candidate[],
  opts: SearchOptions,
  q: ProcessedQuery,
): Promise<SearchResult[]> {
  const results: SearchResult[] = []
  const perFile = new Map<string, number>()
  const shown = new Set<number>()
  const take = (hit: StoreHit, text: ChunkText): void => {
    perFile.set(hit.path, (perFile.get(hit.path) ?? 0) + 1)
    shown.add(hit.id)
    results.push(toResult(hit, text, q))
  }
  let next = 0
  while (results.length < opts.limit && next < ranked.length) {
    const picked: Candidate[] = []
    // Chunks whose file is full are passed over here already; a hash's chunks (and files) are
    // known once fetched.
    const tentative = new Map(perFile)
    for (; next < ranked.length && results.length + picked.length < opts.limit; next++) {
      const c = ranked[next] as Candidate
      if ('hit' in c) {
        const n = tentative.get(c.hit.path) ?? 0
        if (n >= opts.maxPerFile || shown.has(c.hit.id)) continue
        tentative.set(c.hit.path, n + 1)
      }
      picked.push(c)
    }
    if (picked.length === 0) break
    const texts = await backend.chunkTexts({
      ids: picked.flatMap((c) => ('hit' in c ? [c.hit.id] : [])),
      hashes: picked.flatMap((c) => ('hit' in c ? [] : [c.hash])),
    })
    const byId = new Map(texts.map((t) => [t.id, t]))
    for (const c of picked) {
      const chunks = 'hit' in c ? [byId.get(c.hit.id)] : texts.filter((t) => t.hash === c.hash)
      for (const t of chunks) {
        if (!t || results.length >= opts.limit || shown.has(t.id)) continue
        if ((perFile.get(t.path) ?? 0) >= opts.maxPerFile) continue
        take('hit' in c ? { ...c.hit, score: c.score } : { ...t, score: c.score }, t)
      }
    }
  }
  return results
}

function asCandidate(v: VectorHit): Candidate {
  return 'id' in v ? { hit: v, score: v.score } : v
}

/**
 * Adds up each side's score per chunk. A vector hit that is only a text hash counts for every
 * full-text hit with that hash; one no full-text hit has stays a hash (its chunks are looked up if
 * it is shown).
 */
function fuse(fts: StoreHit[], ftsScores: number[], vec: VectorHit[], vecScores: number[]): Candidate[] {
  const chunks = new Map<number, { hit: StoreHit; score: number }>()
  const ftsByHash = new Map<string, number[]>()
  fts.forEach((h, i) => {
    const e = chunks.get(h.id)
    if (e) e.score += ftsScores[i] ?? 0
    else chunks.set(h.id, { hit: h, score: ftsScores[i] ?? 0 })
    ftsByHash.set(h.hash, [...(ftsByHash.get(h.hash) ?? []), h.id])
  })
  const hashes = new Map<string, { hash: string; score: number }>()
  vec.forEach((v, i) => {
    const s = vecScores[i] ?? 0
    if ('id' in v) {
      const e = chunks.get(v.id)
      if (e) e.score += s
      else chunks.set(v.id, { hit: v, score: s })
      return
    }
    const ids = ftsByHash.get(v.hash)
    if (!ids) {
      if (!hashes.has(v.hash)) hashes.set(v.hash, { hash: v.hash, score: s })
      return
    }
    for (const id of ids) {
      const e = chunks.get(id)
      if (e) e.score += s
    }
  })
  // Stable sort: ties keep full-text order first.
  return [...chunks.values(), ...hashes.values()].sort((a, b) => b.score - a.score)
}

/** Reciprocal rank fusion: rank-based, so the two sides' score scales never need reconciling. */
export function fuseRrf(fts: StoreHit[], vec: VectorHit[]): Candidate[] {
  const rrf = (_: unknown, i: number): number => 1 / (RRF_K + i + 1)
  return fuse(fts, fts.map(rrf), vec, vec.map(rrf))
}

/** The seed's 70 % vector + 30 % full-text, each side's scores scaled to 0..1 by its best hit. */
export function fuseWeighted(fts: StoreHit[], vec: VectorHit[], wVec = WEIGHT_VECTOR): Candidate[] {
  const scaled = (list: { score: number }[], w: number): number[] => {
    const max = Math.max(...list.map((h) => h.score), 1e-9)
    const min = Math.min(...list.map((h) => h.score), 0)
    return list.map((h) => (w * (h.score - min)) / (max - min || 1))
  }
  return fuse(fts, scaled(fts, 1 - wVec), vec, scaled(vec, wVec))
}

const MAX_SNIPPET_LINES = 3
const MAX_SNIPPET_LINE = 160

function toResult(h: StoreHit, text: ChunkText, q: ProcessedQuery): SearchResult {
  const lines = text.content.split('\n')
  const matchers = q.words.filter((w) => w.length >= 2).map((w) => w.toLowerCase())
  const hits = lines.map((l) => {
    const lower = l.toLowerCase()
    return matchers.reduce((n, w) => n + (lower.includes(w) ? 1 : 0), 0)
  })
  // The window of up to three lines with the most matched words; else the first non-blank lines.
  let best = -1
  let bestScore = 0
  for (let i = 0; i < lines.length; i++) {
    let s = 0
    for (let j = i; j < Math.min(lines.length, i + MAX_SNIPPET_LINES); j++) s += hits[j] ?? 0
    if (s > bestScore) {
      bestScore = s
      best = i
    }
  }
  if (best < 0)
    best = Math.max(
      0,
      lines.findIndex((l) => l.trim() !== ''),
    )
  const snippetLines = lines
    .slice(best, best + MAX_SNIPPET_LINES)
    .map((l) => (l.length > MAX_SNIPPET_LINE ? `${l.slice(0, MAX_SNIPPET_LINE)}…` : l))
  return {
    path: h.path,
    startLine: h.startLine,
    endLine: h.endLine,
    score: Math.round(h.score * 1e4) / 1e4,
    snippet: snippetLines.join('\n'),
    snippetLine: h.startLine + best,
    matchLines: hits.flatMap((n, i) => (n > 0 ? [h.startLine + i] : [])).slice(0, 50),
    language: h.language,
    symbols: text.symbols,
  }
}
