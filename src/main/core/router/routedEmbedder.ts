import { HearthError } from '@shared/errors'
import { backoffMs, EMBEDDING_RETRY, sleep, type RetryPolicy } from '../health/retry'
import type { Embedder } from '../inference/embedder'
import type { ModelRouter, Selection } from './modelRouter'

/**
 * The indexer's embedder: each batch goes to the embedding task's current tier. Embeddings are
 * idempotent, so transient failures (refused, timeout, 503, 429) are retried with full-jitter
 * backoff and any Retry-After, then moved to the tier's other endpoints.
 *
 * A batch never changes *model* midway (a fallback tier is another model, whose vectors do not
 * mix with these): when the whole tier is gone the batch fails, and `id` — read before the next
 * batch — names the fallback's model, so the index (which keys vectors by embedder id) re-embeds.
 */
export class RoutedEmbedder implements Embedder {
  constructor(
    private readonly router: ModelRouter,
    private readonly retry: RetryPolicy = EMBEDDING_RETRY,
    private readonly random: () => number = Math.random,
  ) {}

  private current(): Embedder | undefined {
    try {
      return this.router.embedderFor(this.router.peek('embedding'))
    } catch {
      return undefined
    }
  }

  get id(): string {
    return this.current()?.id ?? 'router:embedding:none'
  }

  get dimensions(): number | null {
    return this.current()?.dimensions ?? null
  }

  get maxBatch(): number {
    return this.current()?.maxBatch ?? 32
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const first = this.router.select('embedding')
    const tried = new Set<string>()
    let sel: Selection | undefined = first
    let last: unknown
    while (sel) {
      const embedder = this.router.embedderFor(sel)
      for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
        const ticket = this.router.begin(sel)
        try {
          const vectors = await embedder.embed(texts, signal)
          ticket.success()
          return vectors
        } catch (err) {
          const c = ticket.failure(err)
          last = err
          if (signal?.aborted || !c.transient) throw err
          if (c.retryAfterMs !== undefined && c.retryAfterMs > this.retry.maxRetryAfterMs) break
          // The breaker opened: this endpoint is out; do not keep hammering it.
          if (attempt === this.retry.attempts || this.router.peekBreaker(sel.endpointId) !== 'closed') break
          await sleep(backoffMs(attempt, this.retry, c.retryAfterMs, this.random), signal)
        }
      }
      tried.add(sel.endpointId)
      sel = this.router.selectInTier('embedding', first.tier, {}, tried)
    }
    if (last instanceof HearthError) throw last
    throw new HearthError(
      'unavailable',
      `embedding failed: ${last instanceof Error ? last.message : String(last)}`,
    )
  }
}
