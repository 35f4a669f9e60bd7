import { HearthError } from '@shared/errors'

export interface RetryPolicy {
  /** Attempts in all (first try included). */
  attempts: number
  baseMs: number
  maxMs: number
  /** Longest Retry-After honoured; a server asking for more is treated as down for this call. */
  maxRetryAfterMs: number
}

export const EMBEDDING_RETRY: RetryPolicy = {
  attempts: 3,
  baseMs: 250,
  maxMs: 4_000,
  maxRetryAfterMs: 30_000,
}

/**
 * Delay before retry number `attempt` (1 = first retry): "full jitter" exponential backoff —
 * uniform in [0, min(max, base·2^(attempt-1))] — so many clients retrying the same server spread
 * out instead of arriving together. A Retry-After from the server is a floor.
 */
export function backoffMs(
  attempt: number,
  p: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const cap = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, attempt - 1))
  const jittered = random() * cap
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs)
}

/** Retry-After: seconds, or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (v === undefined || v.trim() === '') return undefined
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000)
  const t = Date.parse(v)
  return Number.isNaN(t) ? undefined : Math.max(0, t - now)
}

/** Resolves after `ms`, or rejects with 'cancelled' as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new HearthError('cancelled', 'cancelled', { reason: 'cancelled' }))
      return
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(t)
      reject(new HearthError('cancelled', 'cancelled', { reason: 'cancelled' }))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
