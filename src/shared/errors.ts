/**
 * Errors that cross a transport. Every failure reaches the user as one of these codes plus a
 * sentence, never as a stack trace.
 */
export const ERROR_CODES = [
  'invalid_argument',
  'invalid_result',
  'unknown_method',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'binary',
  'unavailable',
  'timeout',
  'cancelled',
  'unauthorized',
  'busy',
  'internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/**
 * Why a call failed, finer than its code: the status bar, the router's breaker and retry, and the
 * backend checks branch on it. One list, so a new reason is a compile error where it is not handled.
 */
export const FAILURE_REASONS = [
  // the connection (net/httpClient)
  'refused',
  'dns',
  'reset',
  'network',
  'no_response',
  'stalled',
  'deadline',
  'policy',
  'cancelled',
  // the server's answer (net/upstreamErrors)
  'model_missing',
  'unauthorized',
  'bad_request',
  'too_large',
  'rate_limited',
  'server_error',
  'malformed',
  // the in-process engine and the router
  'load_failed',
  'engine_error',
  'no_backend',
  // files
  'binary',
  // the index store: its disk cannot take writes now (full, quota, read-only, no permission), or
  // its data was found damaged and is being rebuilt from the files
  'disk_full',
  'not_writable',
  'index_damaged',
] as const
export type FailureReason = (typeof FAILURE_REASONS)[number]

export function isFailureReason(v: unknown): v is FailureReason {
  return typeof v === 'string' && (FAILURE_REASONS as readonly string[]).includes(v)
}

/** What a failure carries besides its sentence. Known fields are typed; a handler may add its own. */
export interface ErrorDetails {
  reason?: FailureReason
  /** HTTP status of the upstream answer. */
  status?: number
  /** The server asked us to wait this long (Retry-After on 429/503). */
  retryAfterMs?: number
  model?: string
  /** The system error code under a network failure (ECONNREFUSED…). */
  cause?: string
  [key: string]: unknown
}

export class HearthError extends Error {
  override readonly name = 'HearthError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message)
  }

  get reason(): FailureReason | undefined {
    return this.details?.reason
  }
}

/** The failure reason of anything thrown, if it is a HearthError that has one. */
export function failureReason(err: unknown): FailureReason | undefined {
  return err instanceof HearthError ? err.reason : undefined
}

export interface WireError {
  code: ErrorCode
  message: string
  details?: ErrorDetails
}

export function toWireError(err: unknown): WireError {
  if (err instanceof HearthError) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details }
  }
  if (err instanceof Error && err.name === 'AbortError') return { code: 'cancelled', message: 'cancelled' }
  // Unknown errors keep their message (useful) but not their stack (noise for the user).
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}

export function fromWireError(e: WireError): HearthError {
  const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(e.code) ? e.code : 'internal'
  const d = e.details
  if (typeof d !== 'object' || d === null) return new HearthError(code, e.message)
  // A reason from the other side of a transport is checked, not trusted.
  const { reason, ...rest } = d
  return new HearthError(code, e.message, isFailureReason(reason) ? { ...rest, reason } : rest)
}
