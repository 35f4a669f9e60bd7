import type { PGlite } from '@electric-sql/pglite'
import { identifierTokens } from '../../text/identifiers'
import { lexemeOf } from '../lexemes'
import { type Row, filterSql, toHit } from './chunkQueries'
import type { FtsArgs, StoreHit } from './storeTypes'

// Field weights of a matched term: names (path, declared symbols) and body words. They were
// ts_rank's label weights A and D when the tsvector carried labels; ts_rank's constant (π²/6) is
// kept below so scores stay on the scale fusion was tuned on.
const NAME_WEIGHT = '1.0::float8'
const BODY_WEIGHT = '0.1::float8'
/** ts_rank's constant over ln 2: its length normalisation is log2(1 + length). */
const LOG2_RANK_SPREAD = `${1.64493406685 / Math.LN2}::float8`
/** Most rows (by document frequency) the FTS candidate terms may select; see searchFts. */
const FTS_CANDIDATE_BUDGET = 500
/** Most query terms ranked per candidate (by IDF × weight); see searchFts. */
const MAX_SCORING_TERMS = 10
/** Hard cap on rows ranked per FTS query, whatever the terms. */
const FTS_CANDIDATE_CAP = 3000

/** What searchFts weighs terms by: the term statistics (TermCounts) and the chunk count now. */
export interface TermWeights {
  /** Document frequency of each lexeme, as of the last recount. */
  ndoc: ReadonlyMap<string, number>
  /** Chunks at the last recount (0: none yet). */
  counted: number
  /** Chunks now. */
  chunks: number
}

/**
 * Full-text search with IDF weighting: how rare a term is matters for natural-language queries
 * ("returns the array of unique values": "array" is everywhere), and Postgres' ts_rank does not
 * know it. Per term: field weight (name or body) × BM25 IDF, summed, normalised by chunk length.
 */
export async function searchFts(
  db: Pick<PGlite, 'query'>,
  args: FtsArgs,
  weights: TermWeights,
): Promise<StoreHit[]> {
  if (args.terms.length === 0) return []
  // Lexemes, made the way the index made its own (lexemes.ts), and their document frequency.
  const weightOf = new Map<string, number>()
  for (const t of args.terms)
    for (const tok of identifierTokens(t.text)) {
      const l = lexemeOf(tok.toLowerCase().replace(/[_$]+/g, ''))
      if (l) weightOf.set(l, Math.max(weightOf.get(l) ?? 0, t.weight))
    }
  if (weightOf.size === 0) return []
  const dfOf = weights.ndoc
  const n = Math.max(1, weights.counted || weights.chunks)
  const haveStats = weights.counted > 0
  const terms = [...weightOf.keys()].flatMap((l) => {
    const d = Math.min(n, dfOf.get(l) ?? 0)
    const weight = weightOf.get(l) ?? 0
    // An expansion (abbreviation, identifier part) the corpus never uses costs two tests per
    // candidate for nothing. Typed words stay even then: they may be newer than the statistics.
    if (haveStats && d === 0 && weight < 1) return []
    const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5))
    return [{ l, w: weight * idf, d }]
  })
  if (terms.length === 0) return []
  // Each scoring term is tested on every candidate: keep the ones that weigh most.
  terms.sort((a, b) => b.w - a.w)
  terms.splice(MAX_SCORING_TERMS)
  // Candidates come from the rarest terms, up to a budget of matching rows: common terms add
  // little to the ranking but would put most of a large index through ts_rank. They still score
  // every candidate; a chunk matching only very common terms is not a candidate.
  const byRarity = [...terms].sort((a, b) => a.d - b.d)
  const selected: typeof terms = []
  let rows = 0
  for (const t of byRarity) {
    // A word no chunk holds (a typo, a word only comments had) selects nothing: it must not be
    // what stops the selection, or "slugify a title" finds nothing where no chunk says "title".
    if (rows > 0 && (rows + t.d > FTS_CANDIDATE_BUDGET || t.d >= n / 3)) break
    selected.push(t)
    rows += t.d
  }
  // Even the rarest term is common (a query of everyday words): candidates must hold the three
  // rarest together, which is what such a query means anyway. If that leaves too few, the rest
  // come from chunks holding at least two of them (the rarer one for a two-word query), capped at
  // the budget: ranking every chunk that holds one everyday word was most of the slowest
  // queries' time at 90k chunks (docs/BENCHMARKS.md "## Index").
  const held = byRarity.filter((t) => t.d > 0)
  const first = held[0]
  const allCommon = first !== undefined && first.d > FTS_CANDIDATE_BUDGET && held.length > 1
  const rarest = held.slice(0, 3).map((t) => quoteLexeme(t.l))
  const candidateQuery = allCommon ? rarest.join(' & ') : selected.map((t) => quoteLexeme(t.l)).join(' | ')
  // Each term scores its weight × IDF × the weight of the field it is in (a name 1, the body 0.1)
  // over 1.645 × log2(1 + the chunk's lexemes + its names' lexemes): what ts_rank(weights, tsv,
  // term, 1) gave on the tsvector with positions and labels this index had before, where a word
  // of a name had a position as a name and another in the body (docs/ARCHITECTURE.md). The
  // tsvector is detoasted ONCE per row (the `|| ''` inside an OFFSET 0 subquery), not per term.
  // Content is fetched for the winners only. The candidate cap bounds the worst case.
  // All float8: a numeric literal would make this arbitrary-precision arithmetic (`log(2.0, x)`
  // is numeric), which measured slower than the rest of the query.
  const fieldSql = (q: string): string =>
    `(CASE WHEN s.n @@ ${q} THEN ${NAME_WEIGHT} WHEN s.v @@ ${q} THEN ${BODY_WEIGHT} ELSE 0 END)`
  const scoreSql = `(${terms
    .map((_, i) => `$${i * 2 + 2}::float8 * ${fieldSql(`$${i * 2 + 3}::tsquery`)}`)
    .join(' + ')}) / (${LOG2_RANK_SPREAD} * ln((length(s.v) + length(s.n) + 1)::float8))`
  const termParams = terms.flatMap((t) => [t.w, quoteLexeme(t.l)])
  const { clause, params } = filterSql(args.filter, 2 + termParams.length)
  const run = (candidates: string, cap: number): Promise<{ rows: Row[] }> =>
    db.query<Row>(
      `WITH top AS (
         SELECT s.id, ${scoreSql} AS score
         FROM (SELECT c.id, c.tsv || ''::tsvector AS v, c.ntsv AS n FROM chunks c WHERE c.tsv @@ $1::tsquery ${clause}
               LIMIT ${cap} OFFSET 0) s
         ORDER BY score DESC, s.id LIMIT ${Math.trunc(args.limit)})
       SELECT c.id::int AS id, c.path, c.start_line, c.end_line, c.language, c.hash, top.score
       FROM top JOIN chunks c ON c.id = top.id ORDER BY top.score DESC, c.id`,
      [candidates, ...termParams, ...params],
    )
  const r = await run(candidateQuery, FTS_CANDIDATE_CAP)
  if (allCommon && r.rows.length < args.limit) {
    const more = await run(atLeastTwoOf(rarest), FTS_CANDIDATE_BUDGET)
    const seen = new Set(r.rows.map((x) => Number(x.id)))
    const merged = [...r.rows, ...more.rows.filter((x) => !seen.has(Number(x.id)))]
    merged.sort((a, b) => Number(b.score) - Number(a.score) || Number(a.id) - Number(b.id))
    return merged.slice(0, args.limit).map(toHit)
  }
  return r.rows.map(toHit)
}

const quoteLexeme = (l: string): string => `'${l.replace(/'/g, "''")}'`

/** A tsquery for rows holding at least two of `lexemes` (quoted); with fewer than three, the first. */
function atLeastTwoOf(lexemes: string[]): string {
  if (lexemes.length < 3) return lexemes[0] ?? "''"
  const pairs: string[] = []
  for (let i = 0; i < lexemes.length; i++)
    for (let j = i + 1; j < lexemes.length; j++) pairs.push(`(${lexemes[i]} & ${lexemes[j]})`)
  return pairs.join(' | ')
}
