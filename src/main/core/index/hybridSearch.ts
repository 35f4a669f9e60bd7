import { HearthError } from '@shared/errors'
import type { Embedder } from '../inference/embedder'
import { globToRegExp, processQuery, type ProcessedQuery } from './query'
import type { ChunkText, SearchFilter, StoreHit } from './store/protocol'

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
  searchVector(args: { vector: number[]; limit: number; filter?: SearchFilter }): Promise<StoreHit[]>
  chunkTexts(args: { ids: number[] }): Promise<ChunkText[]>
}

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
  let vecHits: StoreHit[] = []
  if (mode !== 'fts' && vectors) {
    try {
      const [vec] = await vectors.embedder.embed([query], signal)
      if (vec) vecHits = await backend.searchVector({ vector: Array.from(vec), limit: depth, filter })
    } catch (err) {
      if (mode === 'vector') throw err
      mode = 'fts'
      notice = `embedder failed (${err instanceof Error ? err.message : String(err)}): full-text results only`
    }
  }
  const ftsHits = await ftsP
  signal?.throwIfAborted()
  let ranked: StoreHit[]
  if (mode === 'fts') ranked = ftsHits
  else if (mode === 'vector') ranked = vecHits
  else ranked = opts.fusion === 'rrf' ? fuseRrf(ftsHits, vecHits) : fuseWeighted(ftsHits, vecHits)
  const results = await showable(backend, ranked, opts, q)
  signal?.throwIfAborted()
  const res: SearchResponse = { results, mode, ms: Math.round(performance.now() - t0) }
  if (notice) res.notice = notice
  return res
}

/**
 * The best `limit` hits, at most `maxPerFile` from one file, with their text: ranking never needed
 * it, so it is fetched for these few only. A chunk deleted since it was ranked is passed over.
 */
async function showable(
  backend: SearchBackend,
  ranked: StoreHit[],
  opts: SearchOptions,
  q: ProcessedQuery,
): Promise<SearchResult[]> {
  const results: SearchResult[] = []
  const perFile = new Map<string, number>()
  let next = 0
  while (results.length < opts.limit && next < ranked.length) {
    const picked: StoreHit[] = []
    for (; next < ranked.length && results.length + picked.length < opts.limit; next++) {
      const h = ranked[next] as StoreHit
      const n = perFile.get(h.path) ?? 0
      if (n >= opts.maxPerFile) continue
      perFile.set(h.path, n + 1)
      picked.push(h)
    }
    if (picked.length === 0) break
    const texts = new Map((await backend.chunkTexts({ ids: picked.map((h) => h.id) })).map((t) => [t.id, t]))
    for (const h of picked) {
      const text = texts.get(h.id)
      if (text) results.push(toResult(h, text, q))
      else perFile.set(h.path, (perFile.get(h.path) ?? 1) - 1)
    }
  }
  return results
}

/** Reciprocal rank fusion: rank-based, so the two sides' score scales never need reconciling. */
export function fuseRrf(fts: StoreHit[], vec: StoreHit[]): StoreHit[] {
  const acc = new Map<number, { hit: StoreHit; score: number }>()
  const addList = (list: StoreHit[]): void =>
    list.forEach((h, i) => {
      const e = acc.get(h.id)
      const s = 1 / (RRF_K + i + 1)
      if (e) e.score += s
      else acc.set(h.id, { hit: h, score: s })
    })
  addList(fts)
  addList(vec)
  return [...acc.values()].sort((a, b) => b.score - a.score).map((e) => ({ ...e.hit, score: e.score }))
}

/** The seed's 70 % vector + 30 % full-text, each side's scores scaled to 0..1 by its best hit. */
export function fuseWeighted(fts: StoreHit[], vec: StoreHit[], wVec = WEIGHT_VECTOR): StoreHit[] {
  const acc = new Map<number, { hit: StoreHit; score: number }>()
  const addList = (list: StoreHit[], w: number): void => {
    const max = Math.max(...list.map((h) => h.score), 1e-9)
    const min = Math.min(...list.map((h) => h.score), 0)
    for (const h of list) {
      const s = (w * (h.score - min)) / (max - min || 1)
      const e = acc.get(h.id)
      if (e) e.score += s
      else acc.set(h.id, { hit: h, score: s })
    }
  }
  addList(fts, 1 - wVec)
  addList(vec, wVec)
  return [...acc.values()].sort((a, b) => b.score - a.score).map((e) => ({ ...e.hit, score: e.score }))
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
