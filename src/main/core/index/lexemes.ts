import { stem } from 'porter2'
import { tokenWords } from './identifiers'

/**
 * Full-text lexemes, made in JavaScript: the words of a chunk (already split and lower-cased by
 * searchWords / pathWords) and the words of a query go through the same function here, so the
 * two sides always agree. The store builds its tsvector from these with `array_to_tsvector`
 * instead of running Postgres' text parser and english stemmer in the store worker: that was
 * most of the store's write time (docs/BENCHMARKS.md "Eighth session").
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
    if (stemMemo.size > 200_000) stemMemo.clear()
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
    if (tokenMemo.size > 200_000) tokenMemo.clear()
    tokenMemo.set(tok, lexemes)
  }
  return lexemes
}

/** A token seen before, found again by a hash of its characters (addTextLexemes). */
interface TokenEntry {
  tok: string
  lexemes: readonly string[]
  /** The last addTextLexemes call that added this token's lexemes. */
  seenIn: number
}

const tokenTable = new Map<number, TokenEntry>()
let calls = 0

const isIdentStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 // a-z A-Z _ $
const isDigit = (c: number): boolean => c >= 48 && c <= 57

/**
 * Adds to `out` the lexemes of `text`'s search words: the same as lexemeList(searchWords(text)),
 * without building and splitting the word list (that round trip and a stop-word and stem lookup
 * per word were a fifth of the prepare worker's time on a whole-tree first index).
 *
 * The tokens are identifierTokens' (identifiers, and numbers with an optional fraction), found
 * by a scan over char codes that also hashes each one: a token seen before is looked up by that
 * hash and checked in place (`startsWith`), so no string is made for it. A 10k-file first index
 * has ≈14 M tokens, nearly all seen before; a string, a regular-expression match and two hash
 * lookups for each were the largest cost of preparing a chunk.
 */
export function addTextLexemes(text: string, out: Set<string>): void {
  const call = ++calls
  const n = text.length
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    let j = i + 1
    // FNV-1a over the token's char codes.
    let h = Math.imul(2166136261 ^ c, 16777619)
    if (isIdentStart(c)) {
      for (let d = text.charCodeAt(j); j < n && (isIdentStart(d) || isDigit(d)); d = text.charCodeAt(++j))
        h = Math.imul(h ^ d, 16777619)
    } else if (isDigit(c)) {
      for (; j < n && isDigit(text.charCodeAt(j)); j++) h = Math.imul(h ^ text.charCodeAt(j), 16777619)
      // A fraction: a dot and at least one digit.
      if (j + 1 < n && text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1))) {
        h = Math.imul(h ^ 46, 16777619)
        for (j++; j < n && isDigit(text.charCodeAt(j)); j++) h = Math.imul(h ^ text.charCodeAt(j), 16777619)
      }
    } else {
      i++
      continue
    }
    const len = j - i
    // Longer runs (base64, hashes) are not words (forEachSearchToken drops them too).
    if (len <= 64) {
      // A small integer key (V8 keeps it unboxed); a collision only costs a miss, never a wrong hit.
      const key = (h ^ len) & 0x3fffffff
      let e = tokenTable.get(key)
      if (e === undefined || e.tok.length !== len || !text.startsWith(e.tok, i)) {
        const tok = text.slice(i, j)
        e = { tok, lexemes: tokenLexemes(tok), seenIn: 0 }
        if (tokenTable.size > 200_000) tokenTable.clear()
        tokenTable.set(key, e)
      }
      if (e.seenIn !== call) {
        e.seenIn = call
        for (const l of e.lexemes) out.add(l)
      }
    }
    i = j
  }
}
