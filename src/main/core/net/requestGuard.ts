import type { IncomingMessage } from 'node:http'
import type { HearthError } from '@shared/errors'
import { cancelledError, deadlineError, noResponseError } from './netFailure'

const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000

/** What the body reader needs of its request's guard. */
export interface BodyGuard {
  /** The request's first failure, if any; it may come while the reader awaits. */
  failed(): HearthError | undefined
  fail(err: HearthError): void
  /** The request is over: stops its deadlines and lets go of the abort signal. */
  finish(): void
  /**
   * The whole body has arrived: no deadline applies any more, whether or not the reader goes on
   * to its end. The abort signal still cancels what is left to read.
   */
  arrived(): void
}

export interface RequestGuardOptions {
  /** Names the peer in error messages. */
  label: string
  signal?: AbortSignal | undefined
  /** Longest wait for the response headers; 30 s by default. */
  responseTimeoutMs?: number | undefined
  /** Whole request, headers and body. */
  timeoutMs?: number | undefined
  /** A failure before the headers came: tear the request down and reject its promise. */
  abandon(err: HearthError): void
}

/**
 * The failure state of one request. The first failure wins — the abort signal, the no-response
 * deadline, the overall deadline, a socket error, a stalled body. Before the response headers it
 * abandons the request; after them it destroys the response, and the body reader rethrows it.
 */
export class RequestGuard implements BodyGuard {
  private failure: HearthError | undefined
  private done = false
  private readonly timers: NodeJS.Timeout[] = []
  private response: IncomingMessage | undefined
  private readonly onAbort = (): void => this.fail(cancelledError(this.opts.label))

  /** Starts the deadlines and listens to the signal at once. */
  constructor(private readonly opts: RequestGuardOptions) {
    opts.signal?.addEventListener('abort', this.onAbort, { once: true })
    const responseTimeout = opts.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS
    this.timers.push(
      setTimeout(() => this.fail(noResponseError(opts.label, responseTimeout)), responseTimeout),
    )
    if (opts.timeoutMs !== undefined) {
      const total = opts.timeoutMs
      this.timers.push(setTimeout(() => this.fail(deadlineError(opts.label, total)), total))
    }
  }

  failed(): HearthError | undefined {
    return this.failure
  }

  fail(err: HearthError): void {
    if (this.done || this.failure) return
    this.failure = err
    if (this.response) {
      // Body phase: the reader rethrows `failure`.
      this.response.destroy(err)
    } else {
      this.finish()
      this.opts.abandon(err)
    }
  }

  /** A socket error: unlike `fail`, once the headers came it lands even after the request is over. */
  failSocket(err: HearthError): void {
    if (this.failure) return
    if (this.response) {
      this.failure = err
      this.response.destroy(err)
    } else {
      this.fail(err)
    }
  }

  /** The headers came: the no-response deadline stops, and later failures destroy `res`. */
  responded(res: IncomingMessage): void {
    this.response = res
    clearTimeout(this.timers[0])
  }

  finish(): void {
    this.done = true
    this.arrived()
    this.opts.signal?.removeEventListener('abort', this.onAbort)
  }

  arrived(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.length = 0
  }
}
