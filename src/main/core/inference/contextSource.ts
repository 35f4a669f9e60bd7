import type { Snippet } from './fimTypes'

export type { Snippet }

export interface ContextQuery {
  /** Workspace-relative path of the file being edited. */
  path: string
  language: string
  prefix: string
  suffix: string
  /** 1-based, as Monaco shows it. */
  line: number
  column: number
}

/**
 * Something that contributes repository snippets to a completion prompt: the index
 * (definitions of symbols used near the cursor, similar chunks), recently edited code… Each
 * source is time-boxed by the completion service; one that misses its deadline is dropped from
 * that request (and told so through `signal`), never waited for.
 */
export interface ContextSource {
  readonly name: string
  snippets(query: ContextQuery, signal: AbortSignal): Promise<Snippet[]>
}

export interface GatherResult {
  snippets: Snippet[]
  /** Sources that missed their deadline or failed, for the status/debug view. */
  missed: string[]
}
