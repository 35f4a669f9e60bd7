import { HearthError } from '@shared/errors'
import { globToRegExp, processQuery } from './query'
import type { SearchFilter, StoreHit } from './store/protocol'
import { isWeak } from './relevanceFloor'
import { showable } from './searchResults'
import type {
  Candidate,
  SearchBackend,
  SearchOptions,
  SearchResponse,
  VectorHit,
  VectorSide,
} from './searchTypes'
import { describeError } from './store/storeErrors'

export type {
  Candidate,
  Fusion,
  SearchBackend,
  SearchMode,
  SearchOptions,
  SearchResponse,
  SearchResult,
  VectorHit,
  VectorSide,
} from './searchTypes'

// Weighted fusion beat RRF, z-scores and agreement-adaptive weights on the search benchmark's
// JavaScript, Python and Go sets, each one, not on average: docs/BENCHMARKS.md "## Search".
export const DEFAULT_SEARCH: SearchOptions = { mode: 'hybrid', limit: 10, maxPerFile: 2, fusion: 'weighted' }

const RRF_K = 60
/**
 * The vector side's share of a weighted fusion. 0.7 was chosen on JavaScript alone; on Python and
 * Go, where most chunks of a package share its domain words, it let hashing noise outrank
 * full-text matches. 0.6 gave the best worst-language margin over each single mode.
 */
const WEIGHT_VECTOR = 0.6

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
  const { results, bestWordShare } = await showable(backend, ranked, opts, q)
  signal?.throwIfAborted()
  const res: SearchResponse = { results, mode, ms: Math.round(performance.now() - t0) }
  const top = vecHits[0]?.score
  const evidence = {
    wordShare: bestWordShare,
    ...(top !== undefined && Number.isFinite(top) ? { similarity: top } : {}),
  }
  if (results.length > 0 && q.terms.length > 0 && isWeak(evidence)) {
    res.weak = true
    // Also said as a notice: every client that shows notices (the CLI prints them) says it.
    notice = notice ? `${notice}; ${NO_GOOD_MATCH}` : NO_GOOD_MATCH
  }
  if (notice) res.notice = notice
  return res
}

const NOTHING_TO_EMBED =
  'the query has only common words, numbers or symbols, which semantic search cannot match'
const NO_GOOD_MATCH = 'no good match: showing the closest results'
const NOTHING_TO_SEARCH = 'nothing to search for: the query has only common words or symbols'

/** Whether a vector points anywhere (not all zeros, no NaN): only then is a cosine distance defined. */
function hasDirection(v: ArrayLike<number>): boolean {
  let sum = 0
  for (let i = 0; i < v.length; i++) sum += (v[i] ?? 0) * (v[i] ?? 0)
  return sum > 0 && Number.isFinite(sum)
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

/**
 * The hits a fusion can use. A stored vector with no direction (all zeros) has a NaN cosine
 * distance to every query: one such score would make a side's max and min NaN and so every score
 * of that side, and the chunks both sides found would all be dropped as unscorable. Such a hit
 * says nothing about relevance, so it goes, and the others are fused as if it never came.
 */
const finite = <T extends { score: number }>(hits: T[]): T[] =>
  hits.every((h) => Number.isFinite(h.score)) ? hits : hits.filter((h) => Number.isFinite(h.score))

/** Reciprocal rank fusion: rank-based, so the two sides' score scales never need reconciling. */
export function fuseRrf(ftsHits: StoreHit[], vecHits: VectorHit[]): Candidate[] {
  // Ranks count among the usable hits only: a NaN hit must not push the others down either.
  const fts = finite(ftsHits)
  const vec = finite(vecHits)
  const rrf = (_: unknown, i: number): number => 1 / (RRF_K + i + 1)
  return fuse(fts, fts.map(rrf), vec, vec.map(rrf))
}

/** 60 % vector + 40 % full text, each side's scores scaled to 0..1 by its best hit. */
export function fuseWeighted(ftsHits: StoreHit[], vecHits: VectorHit[], wVec = WEIGHT_VECTOR): Candidate[] {
  const fts = finite(ftsHits)
  const vec = finite(vecHits)
  const scaled = (list: { score: number }[], w: number): number[] => {
    const max = Math.max(...list.map((h) => h.score), 1e-9)
    const min = Math.min(...list.map((h) => h.score), 0)
    return list.map((h) => (w * (h.score - min)) / (max - min || 1))
  }
  return fuse(fts, scaled(fts, 1 - wVec), vec, scaled(vec, wVec))
}
