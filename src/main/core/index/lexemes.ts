import { stem } from 'porter2'
import { MAX_SEARCH_TOKEN, TOKEN_MEMO_LIMIT, tokenWords } from '../text/identifiers'
import { SLICE_HASH_SEED, SliceTable, sliceHashStep } from './sliceTable'

/**
 * Full-text lexemes, made in JavaScript: the words of a chunk (already split and lower-cased by
 * searchWords / pathWords) and the words of a query go through the same function here, so the
 * two sides always agree. The store builds its tsvector from these with `array_to_tsvector`
 * instead of running Postgres' text parser and english stemmer in the store worker: that was
 * most of the store's write time (docs/BENCHMARKS.md, Store write).
 *
 * The rules are Postgres' `english` configuration's, so the lexemes are the ones it made: its
 * stop words (Snowball's English list, dropped) and the Porter2 (Snowball English) stemmer for
 * words of letters only; words with digits are kept as they are, like the `numword`/number tokens
 * `english` maps to `simple`. `tests/integration/index/lexemes.test.ts` checks both against
 * Postgres.
 */

/** Postgres' `english.stop` (Snowball's English stop list), all 127 words. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers ' +
    'herself it its itself they them their theirs themselves what which who whom this that these those am is are ' +
    'was were be been being have has had having do does did doing a an the and but if or because as until while ' +
    'of at by for with about against between into through during before after above below to from up down in out ' +
    'on off over under again further then once here there when where why how all any both each few more most ' +
    'other some such no nor not only own same so than too very s t can will just don should now'
  ).split(' '),
)

/** Longest lexeme kept: Postgres refuses 2 kB and more; anything this long is not a word anyway. */
const MAX_LEXEME = 255

// Identifiers repeat across chunks and files: stem each word once (≈0.4 µs uncached).
const stemMemo = new Map<string, string>()

/** The lexeme of one lower-case word, or null for a stop word (or nothing). */
export function lexemeOf(word: string): string | null {
  if (word.length === 0 || word.length > MAX_LEXEME || ENGLISH_STOP_WORDS.has(word)) return null
  let l = stemMemo.get(word)
  if (l === undefined) {
    l = /^[a-z]+$/.test(word) ? stem(word) : word
    if (stemMemo.size > TOKEN_MEMO_LIMIT) stemMemo.clear()
    stemMemo.set(word, l)
  }
  return l
}

/** Distinct lexemes of space-separated lower-case words, space-separated (array_to_tsvector's input). */
export function lexemeList(words: string): string {
  const out = new Set<string>()
  for (const w of words.split(' ')) {
    const l = lexemeOf(w)
    if (l) out.add(l)
  }
  return [...out].join(' ')
}

// A token's lexemes, for the same reason: most tokens of a chunk were seen in chunks before.
const tokenMemo = new Map<string, readonly string[]>()

/** The lexemes of one identifier or number token's words (tokenWords), memoised. */
export function tokenLexemes(tok: string): readonly string[] {
  let lexemes = tokenMemo.get(tok)
  if (!lexemes) {
    lexemes = tokenWords(tok).flatMap((w) => lexemeOf(w) ?? [])
    if (tokenMemo.size > TOKEN_MEMO_LIMIT) tokenMemo.clear()
    tokenMemo.set(tok, lexemes)
  }
  return lexemes
}

/**
 * A lexeme as the prepare step collects it: its text, and marks for the chunk and the batch being
 * prepared, so that the chunk's distinct lexemes and the batch's document frequencies are kept
 * on the lexeme itself instead of in a Set and a Map keyed by its text (LexemeCollector).
 */
interface Lexeme {
  readonly text: string
  inChunk: number
  inBatch: number
  /** Chunks of the batch `inBatch` that hold it. */
  df: number
}

const lexemes = new Map<string, Lexeme>()
/** Lexemes kept between batches (a batch's own are never dropped mid-batch: see LexemeCollector). */
const LEXEME_TABLE_LIMIT = 50_000

function lexemeRef(text: string): Lexeme {
  let l = lexemes.get(text)
  if (!l) {
    l = { text, inChunk: 0, inBatch: 0, df: 0 }
    lexemes.set(text, l)
  }
  return l
}

/** A token seen before (scanTokens). */
interface TokenEntry {
  lexemes: readonly Lexeme[]
  /** The last scanTokens call that visited this token. */
  seenIn: number
}

const tokenTable = new SliceTable<TokenEntry>()
let scans = 0

const isIdentStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 /* _ */ || c === 36 /* $ */
const isDigit = (c: number): boolean => c >= 48 && c <= 57

/**
 * Calls `visit` with the lexemes of each distinct search token of `text` (identifierTokens'
 * tokens up to MAX_SEARCH_TOKEN characters, as forEachSearchToken gives them), once per token: a
 * mark on the token's entry, not a Set of the tokens seen, tells a repeat. The tokens are scanned
 * by hand, the same ones `identifierTokens`' pattern matches (`[A-Za-z_$][A-Za-z0-9_$]*` or
 * `[0-9]+(?:\.[0-9]+)?`, leftmost first), and looked up by position: a token seen before is never
 * made into a string (SliceTable).
 */
function scanTokens(text: string, visit: (lexemes: readonly Lexeme[]) => void): void {
  const scan = ++scans
  const n = text.length
  let i = 0
  while (i < n) {
    let c = text.charCodeAt(i)
    const start = i
    let h = sliceHashStep(SLICE_HASH_SEED, c)
    if (isIdentStart(c)) {
      while (++i < n && (isIdentStart((c = text.charCodeAt(i))) || isDigit(c))) h = sliceHashStep(h, c)
    } else if (isDigit(c)) {
      while (++i < n && isDigit((c = text.charCodeAt(i)))) h = sliceHashStep(h, c)
      // A fraction: a dot with a digit after it.
      if (c === 46 && i + 1 < n && isDigit(text.charCodeAt(i + 1))) {
        h = sliceHashStep(h, c)
        while (++i < n && isDigit((c = text.charCodeAt(i)))) h = sliceHashStep(h, c)
      }
    } else {
      i++
      continue
    }
    if (i - start > MAX_SEARCH_TOKEN) continue
    let e = tokenTable.get(text, start, i, h)
    if (e === undefined) {
      const tok = text.slice(start, i)
      e = { lexemes: tokenLexemes(tok).map(lexemeRef), seenIn: 0 }
      if (tokenTable.size >= TOKEN_MEMO_LIMIT) tokenTable.clear()
      tokenTable.add(tok, h, e)
    }
    if (e.seenIn !== scan) {
      e.seenIn = scan
      visit(e.lexemes)
    }
  }
}

let chunkSeq = 0
let batchSeq = 0

/**
 * Collects the distinct lexemes of each chunk of a batch (`beginChunk`, `addLexemes`,
 * `addText`, `endChunk`) and how many of the batch's chunks hold each (`counts`). The marks
 * live on the lexemes themselves: a lexeme already in the chunk costs one comparison, not a
 * Set lookup, and counting it for the batch one increment, not a Map update. A collector is used
 * by one batch at a time, start to end (prepareBatch runs synchronously).
 */
export class LexemeCollector {
  private readonly batch = ++batchSeq
  private chunk = 0
  private current: Lexeme[] = []
  private readonly inBatch: Lexeme[] = []
  private readonly add = (ls: readonly Lexeme[]): void => {
    for (const l of ls) {
      if (l.inChunk === this.chunk) continue
      l.inChunk = this.chunk
      this.current.push(l)
      if (l.inBatch !== this.batch) {
        l.inBatch = this.batch
        l.df = 0
        this.inBatch.push(l)
      }
      l.df++
    }
  }

  constructor() {
    // The lexeme table is bounded between batches only: within one, each lexeme text must be one
    // object (two would each be counted for a chunk holding both). The token table refers to it.
    if (lexemes.size > LEXEME_TABLE_LIMIT) {
      lexemes.clear()
      tokenTable.clear()
    }
  }

  beginChunk(): void {
    this.chunk = ++chunkSeq
    this.current = []
  }

  /** Lexemes made elsewhere (a path's, a declared name's). */
  addLexemes(texts: readonly string[]): void {
    this.add(texts.filter((t) => t !== '').map(lexemeRef))
  }

  /**
   * The lexemes of `text`'s search words: the same as lexemeList(searchWords(text)), without
   * building and splitting the word list.
   */
  addText(text: string): void {
    scanTokens(text, this.add)
  }

  /** The chunk's distinct lexemes, in no particular order. */
  endChunk(): string[] {
    return this.current.map((l) => l.text)
  }

  /** The batch's distinct lexemes, space-separated, and how many of its chunks hold each. */
  counts(): { lexemes: string; counts: Int32Array } {
    return {
      lexemes: this.inBatch.map((l) => l.text).join(' '),
      counts: Int32Array.from(this.inBatch, (l) => l.df),
    }
  }
}
