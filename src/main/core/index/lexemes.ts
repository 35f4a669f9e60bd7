import { stem } from 'porter2'
import { forEachSearchToken, tokenWords } from './identifiers'

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

/**
 * Adds to `out` the lexemes of `text`'s search words: the same as lexemeList(searchWords(text)),
 * without building and splitting the word list (that round trip and a stop-word and stem lookup
 * per word were a fifth of the prepare worker's time on a whole-tree first index).
 */
export function addTextLexemes(text: string, out: Set<string>): void {
  forEachSearchToken(text, (tok) => {
    for (const l of tokenLexemes(tok)) out.add(l)
  })
}
