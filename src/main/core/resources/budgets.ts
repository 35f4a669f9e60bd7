/**
 * What the throttle policy hands out. The policy (resources/) produces these from a resource
 * snapshot and user activity; the indexer, embedder queue, prefetcher and completion service
 * consume them. Plain data so the policy stays a pure, table-testable function.
 */
export interface BackgroundBudget {
  /** Nothing in the background runs (user typing, battery saver, thermal critical, user pause). */
  paused: boolean
  /** Human-readable cause for the status bar, e.g. "on battery (15 %)". */
  reason: string
  /**
   * Batches of files (≤128 each) in flight in an indexing pass: how far the prepare worker may get
   * ahead of the store. 1 runs the two one after the other.
   */
  indexConcurrency: number
  /** Texts per embedding request. */
  embedBatchSize: number
  /** Upper bound on texts embedded per minute; 0 stops embedding, Infinity = unthrottled. */
  embedPerMinute: number
  /**
   * Share of wall time the embedding queue may spend embedding (0–1; absent = 1): after a batch
   * that took t ms it rests t·(1/duty − 1) ms. Unlike a texts-per-minute cap this scales with
   * the embedder's real cost, so "on battery" means a fixed fraction of the CPU whatever the model.
   */
  embedDutyCycle?: number
  /** Speculative requests (next completion, prompt-cache warm-up) allowed. */
  prefetch: boolean
  /**
   * Only speculate when a strategy is at least this sure it will be used (0–1). Raised on
   * battery or under load so prefetch slows down before it stops. Optional: absent = 0.
   */
  prefetchMinConfidence?: number
}

export interface CompletionBudget {
  maxTokens: number
  /** Base debounce; the completion service adapts it to typing rhythm within this floor. */
  debounceMs: number
}

export interface Budgets {
  background: BackgroundBudget
  completion: CompletionBudget
}

export const FULL_SPEED: Budgets = {
  background: {
    paused: false,
    reason: 'full speed',
    indexConcurrency: 12,
    embedBatchSize: 32,
    embedPerMinute: Number.POSITIVE_INFINITY,
    prefetch: true,
    prefetchMinConfidence: 0.2,
  },
  completion: { maxTokens: 128, debounceMs: 75 },
}

/** Anything that accepts budgets (indexer, embed queue, prefetcher, completion service). */
export interface BudgetConsumer {
  setBudgets(budgets: Budgets): void
}
