import { identifierTokens, splitIdentifier } from '../text/identifiers'
import { lexemeOf } from './lexemes'

/**
 * The relevance floor: whether a search's best results are a real match or only the closest there
 * is. Every mode always returns its nearest results (the vector side finds something for any
 * string, hash collisions included); the floor tells the user when those are not a match, so
 * "xyzzy_nonexistent" says "no good match — showing the closest" instead of a confident count.
 *
 * The evidence, the same for every mode and language: the share of the query's content words
 * (as full-text lexemes: stemmed, identifiers split) that the best of the shown chunks holds in
 * its text or path, and the vector side's best cosine similarity where it ran. Thresholds were
 * set with bench/searchCorpus/floorLab.ts on the search benchmark's sets (docs/BENCHMARKS.md
 * "## Search"): real doc-comment queries stay above them, made-up words do not.
 */

/**
 * Below this share of its words in the best shown chunk, a query has no match: made-up words hold
 * none (one in four where a real word such as "gauge" is among them), while nineteen in twenty
 * real queries' best chunk holds a third or more.
 */
export const MIN_WORD_SHARE = 0.3
/**
 * A vector hit this similar is a match whatever its words. Only a near copy gets there: made-up
 * queries reached 0.48 through hashed trigrams, so similarity alone cannot tell noise from a hit.
 */
export const STRONG_SIMILARITY = 0.6

/** The content words of a query as lexemes (distinct). */
export function queryLexemes(words: readonly string[]): string[] {
  const out = new Set<string>()
  for (const w of words) {
    const l = lexemeOf(w.toLowerCase())
    if (l) out.add(l)
  }
  return [...out]
}

/** The share of `lexemes` a chunk's text and path hold (1 for a query with none). */
export function wordShare(lexemes: readonly string[], path: string, text: string): number {
  if (lexemes.length === 0) return 1
  const have = new Set<string>()
  for (const tok of identifierTokens(`${path}\n${text}`)) {
    const parts = splitIdentifier(tok)
    for (const p of parts.length > 1 ? [...parts, parts.join('')] : parts) {
      const l = lexemeOf(p.toLowerCase())
      if (l) have.add(l)
    }
  }
  return lexemes.filter((l) => have.has(l)).length / lexemes.length
}

export interface MatchEvidence {
  /** The best shown chunk's share of the query's words. */
  wordShare: number
  /** The vector side's best similarity, when it ran. */
  similarity?: number
}

/**
 * Weak: the results are the closest there is, not a match: the best shown chunk holds too few of
 * the query's words and, where the vector side ran, nothing is near enough to count without them.
 */
export function isWeak(e: MatchEvidence): boolean {
  if (e.wordShare >= MIN_WORD_SHARE) return false
  return !(e.similarity !== undefined && e.similarity >= STRONG_SIMILARITY)
}
