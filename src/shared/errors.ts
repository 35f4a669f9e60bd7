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

export class HearthError extends Error {
  override readonly name = 'HearthError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

export interface WireError {
  code: ErrorCode
  message: string
  details?: unknown
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
  return new HearthError(code, e.message, e.details)
}
