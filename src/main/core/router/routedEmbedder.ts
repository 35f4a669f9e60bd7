import { HearthError } from '@shared/errors'
import { backoffMs, EMBEDDING_RETRY, sleep, type RetryPolicy } from '../net/retry'
import type { Embedder } from '../inference/embedder'
import type { RouteSelector, Selection } from './selection'

/** One tier of the embedding chain, as it was when an index attached to it. */
export interface TierPin {
  tier: number
  model: string
  /** The tier's endpoints then; a profile edit that changes them makes this pin unusable. */
  endpoints: readonly string[]
  /** The embedder of the tier's first endpoint: names the vectors (id) and their length. */
  naming: Embedder
}

/**
 * The embedding task's embedder. Embeddings are idempotent, so transient failures (refused,
 * timeout, 503, 429) are retried with full-jitter backoff and any Retry-After, then moved to the
 * tier's other endpoints.
 *
 * A batch never changes *model* midway (a fallback tier is another model, whose vectors do not
 * mix with these): when the whole tier is gone the batch fails.
 *
 * Unpinned (`router.embedder()`), each batch goes to the current tier and `id` follows it.
 * Pinned to one tier (`router.tierEmbedder()`, what the app's index holds), `id` never changes:
 * the index stores vectors under that id, and when routing moves to another tier the index
 * switches to that tier's pinned embedder (re-embedding, or restoring from its embedding cache).
 */
export class RoutedEmbedder implements Embedder {
  constructor(
    private readonly router: RouteSelector,
    private readonly retry: RetryPolicy = EMBEDDING_RETRY,
    private readonly random: () => number = Math.random,
    readonly pin?: TierPin,
  ) {}

  private current(): Embedder | undefined {
    if (this.pin) return this.pin.naming
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

  /** Where the first attempt goes: the current tier, or the pinned one while it still exists. */
  private firstSelection(): Selection {
    const pin = this.pin
    if (!pin) return this.router.select('embedding')
    const tier = this.router.profile.tasks.embedding.chain[pin.tier]
    if (!tier || tier.model !== pin.model || tier.endpoints.join('\u0000') !== pin.endpoints.join('\u0000'))
      throw new HearthError(
        'unavailable',
        `the embedding route changed; ${pin.model} is no longer tier ${pin.tier}`,
      )
    const reasons: string[] = []
    const sel = this.router.selectInTier('embedding', pin.tier, {}, undefined, reasons)
    // The size rule never applies to embeddings, but a model other than the pinned one must not slip in.
    if (!sel || sel.model !== pin.model)
      throw new HearthError(
        'unavailable',
        `no endpoint can embed with ${pin.model} now: ${reasons.join('; ')}`,
        {
          reason: 'no_backend',
          task: 'embedding',
        },
      )
    return sel
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const first = this.firstSelection()
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
