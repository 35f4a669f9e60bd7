import { z } from 'zod'
import { event, method } from './define'
import { RelPath } from './workspace'

export const SearchMode = z.enum(['hybrid', 'vector', 'fts'])
export type SearchMode = z.infer<typeof SearchMode>

export const SearchHit = z.object({
  path: RelPath,
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  score: z.number(),
  snippet: z.string(),
  /** File line of the snippet's first line. */
  snippetLine: z.number().int().positive(),
  /** File lines that contain a query word (for highlighting). */
  matchLines: z.array(z.number().int().positive()),
  language: z.string(),
})
export type SearchHit = z.infer<typeof SearchHit>

export const SearchQuery = z.object({
  query: z.string().min(1).max(2000),
  mode: SearchMode.optional(),
  limit: z.number().int().positive().max(200).optional(),
  maxPerFile: z.number().int().positive().max(50).optional(),
  /** e.g. `src/**`, `*.ts`, `{lib,src}/**\/*.go` */
  pathGlob: z.string().max(500).optional(),
  languages: z.array(z.string().max(40)).max(20).optional(),
})

export const SearchResponse = z.object({
  results: z.array(SearchHit),
  mode: SearchMode,
  /** Why results are weaker than asked (no embedder reachable → full-text only). */
  notice: z.string().optional(),
  /** No good match: the results are only the closest there is (the query's words are not in them). */
  weak: z.boolean().optional(),
  ms: z.number().nonnegative(),
})

export const IndexStatus = z.object({
  state: z.enum(['off', 'opening', 'scanning', 'indexing', 'ready', 'error']),
  files: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  /** Chunks still waiting for an embedding. */
  embedBacklog: z.number().int().nonnegative(),
  embedder: z.string().nullable(),
  /**
   * Embedding state: running, idle, paused (budget), unavailable (embedder unreachable), none;
   * building: the vector index is being built (once per index), and searches wait for it.
   */
  embedState: z.enum(['idle', 'running', 'paused', 'unavailable', 'stopped', 'none', 'building']),
  paused: z.boolean(),
  /** Why paused / unavailable / in error, for the status bar tooltip. */
  reason: z.string().optional(),
  progress: z
    .object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() })
    .optional(),
  /** Files the last full scan left out and why (links out of the workspace, secrets, unreadable…). */
  skipped: z
    .object({
      count: z.number().int().nonnegative(),
      sample: z.array(z.object({ path: z.string(), reason: z.string() })).max(50),
      /** How many were left out for each reason (an ignore rule names its file and pattern), most first. */
      reasons: z
        .array(z.object({ reason: z.string(), count: z.number().int().nonnegative() }))
        .max(50)
        .optional(),
    })
    .optional(),
})
export type IndexStatus = z.infer<typeof IndexStatus>

export const searchMethods = {
  'search.query': method(SearchQuery, SearchResponse),
  'index.status': method(z.object({}), IndexStatus),
  /** Re-walks the workspace (force: re-chunk every file even if unchanged). */
  'index.rebuild': method(z.object({ force: z.boolean().optional() }), z.object({ started: z.boolean() })),
} as const

export const searchEvents = {
  'index.status': event(IndexStatus),
} as const
