import { HearthError } from '@shared/errors'
import type { ProviderState } from './fimTypes'

/** Failure reasons that providers add to the network layer's (see net/httpClient NetFailure). */
export type ProviderFailure =
  'model_missing' | 'server_error' | 'unauthorized' | 'bad_request' | 'malformed' | 'rate_limited'

export interface StatusErrorContext {
  /** e.g. "ollama at http://127.0.0.1:11434" */
  label: string
  model: string
  /** What to tell the user to fix a missing model, e.g. "run `ollama pull qwen2.5-coder:1.5b`". */
  missingModelHint?: string
}

/** Pulls the human message out of the usual error bodies: {error}, {error:{message}}, {message}, {detail}. */
export function errorMessageFromBody(body: string): string {
  const trimmed = body.trim()
  try {
    const v = JSON.parse(trimmed) as unknown
    if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>
      const e = o.error
      if (typeof e === 'string') return e
      if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
        return (e as { message: string }).message
      }
      if (typeof o.message === 'string') return o.message
      if (typeof o.detail === 'string') return o.detail
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return trimmed.slice(0, 300)
}

const MODEL_MISSING =
  /(model|unknown model).*(not found|does not exist|not exist|unknown|is not ready|not available)|no such model|unknown model/i

/** Maps an HTTP error status + body to a HearthError with a distinct code and reason. */
export function statusError(status: number, body: string, ctx: StatusErrorContext): HearthError {
  const msg = errorMessageFromBody(body)
  const modelMissing = status === 404 || (status === 400 && MODEL_MISSING.test(msg))
  if (modelMissing) {
    const hint = ctx.missingModelHint ? ` — ${ctx.missingModelHint}` : ''
    return new HearthError(
      'not_found',
      `${ctx.label}: model "${ctx.model}" not found${hint} (HTTP ${status}: ${msg})`,
      {
        reason: 'model_missing' satisfies ProviderFailure,
        status,
        model: ctx.model,
      },
    )
  }
  if (status === 401 || status === 403) {
    return new HearthError(
      'unauthorized',
      `${ctx.label}: not authorized (HTTP ${status}) — check the token`,
      {
        reason: 'unauthorized' satisfies ProviderFailure,
        status,
      },
    )
  }
  if (status === 429) {
    return new HearthError('busy', `${ctx.label}: rate limited (HTTP 429): ${msg}`, {
      reason: 'rate_limited' satisfies ProviderFailure,
      status,
    })
  }
  if (status >= 500) {
    return new HearthError('unavailable', `${ctx.label}: server error (HTTP ${status}): ${msg}`, {
      reason: 'server_error' satisfies ProviderFailure,
      status,
    })
  }
  return new HearthError('invalid_argument', `${ctx.label}: request rejected (HTTP ${status}): ${msg}`, {
    reason: 'bad_request' satisfies ProviderFailure,
    status,
  })
}

/** A provider-side error reported inside an otherwise successful stream. */
export function streamError(label: string, message: string): HearthError {
  if (MODEL_MISSING.test(message)) {
    return new HearthError('not_found', `${label}: ${message}`, {
      reason: 'model_missing' satisfies ProviderFailure,
    })
  }
  return new HearthError('unavailable', `${label}: server error mid-stream: ${message}`, {
    reason: 'server_error' satisfies ProviderFailure,
  })
}

export function malformed(label: string, what: string): HearthError {
  return new HearthError('unavailable', `${label}: malformed response: ${what}`, {
    reason: 'malformed' satisfies ProviderFailure,
  })
}

/** Anything thrown inside a provider → HearthError; aborts become 'cancelled'. */
export function toProviderError(err: unknown, label: string, signal?: AbortSignal): HearthError {
  if (err instanceof HearthError) return err
  if (signal?.aborted || (err instanceof Error && err.name === 'AbortError')) {
    return new HearthError('cancelled', `${label}: request cancelled`, { reason: 'cancelled' })
  }
  const message = err instanceof Error ? err.message : String(err)
  return new HearthError('unavailable', `${label}: ${message}`, { reason: 'network' })
}

/** Trims a trailing slash so `${base}/path` never doubles it. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '')
}

/** The status-bar form of a provider failure. */
export function describeError(e: HearthError): NonNullable<ProviderState['error']> {
  const d = e.details as { reason?: unknown } | undefined
  const out: NonNullable<ProviderState['error']> = { code: e.code, message: e.message }
  if (typeof d?.reason === 'string') out.reason = d.reason
  return out
}
