export type BreakerState = 'closed' | 'open' | 'half_open'

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number
  /** First open period; doubles after each failed half-open probe, up to maxOpenMs. */
  openMs: number
  maxOpenMs: number
  /** Injectable clock (ms) so tests step time instead of sleeping. */
  now?: () => number
}

/**
 * One per backend endpoint. Closed: requests flow, consecutive failures are counted. Open: the
 * router skips the endpoint (falls back) until the open period ends. Half-open: exactly one
 * probe — a health check or a real request — is let through; its success closes the breaker,
 * its failure re-opens it for twice as long. So a dead server costs one probe per period, and
 * a recovered one is back without anybody doing anything.
 */
export class CircuitBreaker {
  private st: BreakerState = 'closed'
  private failures = 0
  private openedAt = 0
  private openFor: number
  private probing = false
  private readonly now: () => number

  constructor(private opts: BreakerOptions) {
    this.now = opts.now ?? Date.now
    this.openFor = opts.openMs
  }

  /** New thresholds (settings changed) without forgetting the current state. */
  configure(opts: Omit<BreakerOptions, 'now'>): void {
    this.opts = { ...opts, now: this.now }
    this.openFor = Math.min(Math.max(this.openFor, opts.openMs), opts.maxOpenMs)
  }

  get state(): BreakerState {
    if (this.st === 'open' && this.now() >= this.openedAt + this.openFor) this.st = 'half_open'
    return this.st
  }

  get consecutiveFailures(): number {
    return this.failures
  }

  /** When an open breaker lets its next probe through (ms, same clock); null unless open. */
  get retryAt(): number | null {
    return this.state === 'open' ? this.openedAt + this.openFor : null
  }

  /** Would a request be let through now? (no side effects: for ranking and status) */
  get allowsRequest(): boolean {
    const s = this.state
    return s === 'closed' || (s === 'half_open' && !this.probing)
  }

  /**
   * Claims the right to send one request. Closed: always. Half-open: the first caller becomes the
   * probe, others are refused until it reports. Open: refused.
   */
  tryAcquire(): boolean {
    const s = this.state
    if (s === 'closed') return true
    if (s === 'half_open' && !this.probing) {
      this.probing = true
      return true
    }
    return false
  }

  /** The claimed request ended without a verdict (cancelled by the user): free the probe slot. */
  release(): void {
    this.probing = false
  }

  onSuccess(): void {
    this.st = 'closed'
    this.failures = 0
    this.probing = false
    this.openFor = this.opts.openMs
  }

  onFailure(): void {
    const wasProbe = this.state === 'half_open'
    this.probing = false
    this.failures++
    if (wasProbe) {
      this.openFor = Math.min(this.openFor * 2, this.opts.maxOpenMs)
      this.trip()
    } else if (this.st === 'closed' && this.failures >= this.opts.failureThreshold) {
      this.openFor = this.opts.openMs
      this.trip()
    }
  }

  /** Opens at once (e.g. a health check found the server down): no point waiting for N failures. */
  forceOpen(): void {
    if (this.state === 'open') return
    this.failures = Math.max(this.failures, this.opts.failureThreshold)
    this.trip()
  }

  private trip(): void {
    this.st = 'open'
    this.openedAt = this.now()
  }
}
