import type { Embedder } from '../inference/embedder'
import type { ProcessedQuery } from './query'
import type { ChunkText, SearchFilter, StoreHit } from './store/protocol'

/** The search API's types, apart from hybridSearch.ts so its helpers can share them without a cycle. */

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
  /**
   * The results are only the closest there is, not a match (relevanceFloor.ts): the query's words
   * are not in them and the vector side found nothing near.
   */
  weak?: boolean
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
