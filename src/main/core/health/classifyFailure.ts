import type { BackendState } from '@shared/contract/settings'
import { HearthError } from '@shared/errors'

export interface Classified {
  state: BackendState
  message: string
  fix?: string
  /** Counts against the circuit breaker (the server is unwell), as opposed to our request or config. */
  breakerFailure: boolean
  /** Worth retrying an idempotent request (transient). */
  transient: boolean
  /** Server asked us to wait this long (Retry-After). */
  retryAfterMs?: number
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/**
 * HearthError (from the net layer or a provider) → a distinct backend state. Each fault the
 * issue lists lands in its own state: refused → down, accept-then-hang or stalled stream →
 * timeout, Triton 503 → not_ready, 401 → unauthorized, 404 model → model_missing, bad JSON →
 * malformed, offline policy → blocked.
 */
export function classifyFailure(err: unknown): Classified {
  const message = err instanceof Error ? err.message : String(err)
  if (!(err instanceof HearthError)) return { state: 'down', message, breakerFailure: true, transient: true }
  const reason = err.reason
  const status = num(err.details?.status)
  const retryAfterMs = num(err.details?.retryAfterMs)
  const withRetry = (c: Classified): Classified => (retryAfterMs === undefined ? c : { ...c, retryAfterMs })
  if (err.code === 'cancelled' || reason === 'cancelled') {
    return { state: 'ok', message, breakerFailure: false, transient: false }
  }
  switch (reason) {
    case 'policy':
      return { state: 'blocked', message, breakerFailure: false, transient: false }
    case 'refused':
    case 'dns':
    case 'reset':
    case 'network':
      return { state: 'down', message, breakerFailure: true, transient: true }
    case 'no_response':
    case 'stalled':
    case 'deadline':
      return { state: 'timeout', message, breakerFailure: true, transient: true }
    case 'unauthorized':
      return {
        state: 'unauthorized',
        message,
        fix: 'set the token for this endpoint in Settings → Endpoints',
        breakerFailure: false,
        transient: false,
      }
    case 'model_missing': {
      const fix = /`([^`]+)`/.exec(message)?.[1]
      return fix
        ? { state: 'model_missing', message, fix, breakerFailure: false, transient: false }
        : { state: 'model_missing', message, breakerFailure: false, transient: false }
    }
    case 'malformed':
      return { state: 'malformed', message, breakerFailure: true, transient: false }
    case 'rate_limited':
      return withRetry({ state: 'slow', message, breakerFailure: false, transient: true })
    case 'server_error':
      if (status === 503)
        return withRetry({ state: 'not_ready', message, breakerFailure: true, transient: true })
      return withRetry({ state: 'down', message, breakerFailure: true, transient: true })
    case 'bad_request':
    case 'too_large':
      return { state: 'ok', message, breakerFailure: false, transient: false }
    default:
      break
  }
  switch (err.code) {
    case 'timeout':
      return { state: 'timeout', message, breakerFailure: true, transient: true }
    case 'unauthorized':
      return { state: 'unauthorized', message, breakerFailure: false, transient: false }
    case 'forbidden':
      return { state: 'blocked', message, breakerFailure: false, transient: false }
    case 'not_found':
      return { state: 'model_missing', message, breakerFailure: false, transient: false }
    case 'invalid_argument':
      return { state: 'ok', message, breakerFailure: false, transient: false }
    default:
      return { state: 'down', message, breakerFailure: true, transient: true }
  }
}
