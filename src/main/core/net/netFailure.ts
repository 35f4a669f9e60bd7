import { HearthError, type FailureReason } from '@shared/errors'

/** Why a request failed, in `HearthError.reason` — the status bar and the router read it. */
export type NetFailure = Extract<
  FailureReason,
  'refused' | 'dns' | 'reset' | 'no_response' | 'stalled' | 'deadline' | 'policy' | 'cancelled' | 'network'
>

export function cancelledError(label: string): HearthError {
  return new HearthError('cancelled', `${label}: request cancelled`, {
    reason: 'cancelled' satisfies NetFailure,
  })
}

/** The headers did not come within `ms` of sending the request. */
export function noResponseError(label: string, ms: number): HearthError {
  return new HearthError('timeout', `${label}: no response within ${ms} ms`, {
    reason: 'no_response' satisfies NetFailure,
  })
}

/** The whole request, headers and body, did not finish within `ms`. */
export function deadlineError(label: string, ms: number): HearthError {
  return new HearthError('timeout', `${label}: did not finish within ${ms} ms`, {
    reason: 'deadline' satisfies NetFailure,
  })
}

/** No body chunk for `ms` after `chunks` of them. */
export function stalledError(label: string, ms: number, chunks: number): HearthError {
  return new HearthError(
    'timeout',
    `${label}: stream stalled — no data for ${ms} ms${chunks ? ` after ${chunks} chunks` : ''}`,
    { reason: 'stalled' satisfies NetFailure },
  )
}

/** A socket or stream error of node:http as a HearthError with a NetFailure reason. */
export function mapNodeError(err: Error, label: string): HearthError {
  if (err instanceof HearthError) return err
  const code = (err as NodeJS.ErrnoException).code
  const reason = (r: NetFailure): { reason: NetFailure; cause?: string } =>
    code ? { reason: r, cause: code } : { reason: r }
  switch (code) {
    case 'ECONNREFUSED':
      return new HearthError(
        'unavailable',
        `${label}: connection refused — is the server running?`,
        reason('refused'),
      )
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HearthError('unavailable', `${label}: host name not found`, reason('dns'))
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return new HearthError(
        'unavailable',
        `${label}: connection closed by the server mid-request`,
        reason('reset'),
      )
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new HearthError('unavailable', `${label}: host unreachable (${code})`, reason('network'))
    default:
      if (err.message === 'aborted' || err.message === 'socket hang up') {
        return new HearthError(
          'unavailable',
          `${label}: connection closed by the server mid-request`,
          reason('reset'),
        )
      }
      return new HearthError('unavailable', `${label}: ${err.message}`, reason('network'))
  }
}
