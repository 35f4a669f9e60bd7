/**
 * What the index and the completion service offer the prefetcher (speculation/): it sits above
 * both, so the contract between them lives below both.
 */

/** What the completion service offers for speculation. */
export interface CompletionPrefetchTarget {
  /** A zero-token request whose prompt is this file's context, so the model's prompt (KV) cache holds it. */
  warm(path: string, signal: AbortSignal): Promise<void>
  /** Computes (and caches) the completion the user will probably ask for next. */
  nextCompletion(ctx: NextCompletionContext, signal: AbortSignal): Promise<void>
}

/** What the indexer offers: move a file's chunks to the front of the embedding queue (cheap, synchronous). */
export interface EmbeddingPrefetchTarget {
  prioritizeEmbedding(path: string): void
}

export type PrefetchTarget = CompletionPrefetchTarget & EmbeddingPrefetchTarget

export interface NextCompletionContext {
  path: string
  /** Document text with the accepted suggestion applied. */
  text: string
  /** Cursor offset (UTF-16) right after the accepted text. */
  offset: number
  languageId?: string
}
