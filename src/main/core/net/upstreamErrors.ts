import { HearthError, type FailureReason } from '@shared/errors'
import { parseRetryAfter } from './retry'

/** Failure reasons of an upstream server's answer, added to the connection's (httpClient NetFailure). */
export type ProviderFailure = Extract<
  FailureReason,
  | 'model_missing'
  | 'server_error'
  | 'unauthorized'
  | 'bad_request'
  | 'too_large'
  | 'malformed'
  | 'rate_limited'
>

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

/**
 * The one map from an upstream HTTP error to a HearthError: 404 (or 400 naming the model) → model
 * missing, 401/403 → unauthorized, 413 → too large, 429 → rate limited, 5xx → server error,
 * anything else → rejected. A Retry-After header (429, 503) travels as `retryAfterMs`, which the
 * router's retry honours.
 */
export function statusError(
  status: number,
  body: string,
  ctx: StatusErrorContext,
  retryAfter?: string | string[],
): HearthError {
  const msg = errorMessageFromBody(body)
  const waitMs = parseRetryAfter(retryAfter)
  const extra = waitMs === undefined ? {} : { retryAfterMs: waitMs }
  const fail = (code: HearthError['code'], reason: ProviderFailure, text: string): HearthError =>
    new HearthError(code, text, { reason, status, ...extra })
  const modelMissing = status === 404 || (status === 400 && MODEL_MISSING.test(msg))
  if (modelMissing) {
    const hint = ctx.missingModelHint ? ` — ${ctx.missingModelHint}` : ''
    return new HearthError(
      'not_found',
      `${ctx.label}: model "${ctx.model}" not found${hint} (HTTP ${status}: ${msg})`,
      { reason: 'model_missing', status, model: ctx.model },
    )
  }
  if (status === 401 || status === 403) {
    return fail(
      'unauthorized',
      'unauthorized',
      `${ctx.label}: not authorized (HTTP ${status}) — check the token`,
    )
  }
  if (status === 413) {
    return fail('too_large', 'too_large', `${ctx.label}: request too large for the server (HTTP 413): ${msg}`)
  }
  if (status === 429) return fail('busy', 'rate_limited', `${ctx.label}: rate limited (HTTP 429): ${msg}`)
  if (status >= 500) {
    return fail('unavailable', 'server_error', `${ctx.label}: server error (HTTP ${status}): ${msg}`)
  }
  return fail('invalid_argument', 'bad_request', `${ctx.label}: request rejected (HTTP ${status}): ${msg}`)
}

/** A provider-side error reported inside an otherwise successful stream. */
export function streamError(label: string, message: string): HearthError {
  if (MODEL_MISSING.test(message)) {
    return new HearthError('not_found', `${label}: ${message}`, {
      reason: 'model_missing',
    })
  }
  return new HearthError('unavailable', `${label}: server error mid-stream: ${message}`, {
    reason: 'server_error',
  })
}

export function malformed(label: string, what: string): HearthError {
  return new HearthError('unavailable', `${label}: malformed response: ${what}`, {
    reason: 'malformed',
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
export function describeError(e: HearthError): { code: string; message: string; reason?: FailureReason } {
  return e.reason === undefined
    ? { code: e.code, message: e.message }
    : { code: e.code, message: e.message, reason: e.reason }
}
