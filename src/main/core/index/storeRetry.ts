import { describeError, storeReasonOf, writeFailureOf } from './store/storeErrors'

/** How long the app waits before trying its index again after the disk refused a write. */
export const RETRY_MS = 60_000

/**
 * The app's answer to an index that could not be written (its disk is full or read-only) or
 * whose data was found damaged and started anew: the index is kept (or empty, when started anew),
 * the status says why, and the whole tree is tried again: after `retryMs`, at the next file change
 * (`nowIfWaiting`), or at once for damage. IndexService owns one.
 */
export class StoreRetry {
  private timer: NodeJS.Timeout | null = null
  /** The status reason shown while waiting; null when not waiting. */
  reason: string | null = null

  constructor(
    private readonly retryMs: number,
    private readonly attempt: () => void,
  ) {}

  /**
   * For a failure of the disk or damage: schedules the next attempt and returns the status reason
   * to show. Null for any other failure (nothing scheduled).
   */
  schedule(err: unknown): string | null {
    const reason = storeReasonOf(err) ?? writeFailureOf(err)
    if (!reason) return null
    const message = describeError(err)
    const full =
      reason === 'disk_full' && !/disk is full/.test(message) ? `the disk is full: ${message}` : message
    this.reason =
      reason === 'index_damaged' ? full : `${full}; trying again in a minute or when a file changes`
    this.cancel()
    this.timer = setTimeout(() => this.now(), reason === 'index_damaged' ? 0 : this.retryMs)
    this.timer.unref()
    return this.reason
  }

  /** A file changed: when an attempt is waiting, it runs now. */
  nowIfWaiting(): void {
    if (this.timer) this.now()
  }

  private now(): void {
    this.cancel()
    this.attempt()
  }

  /** The attempt worked: returns the reason that was shown (to clear it), and forgets it. */
  succeeded(): string | null {
    const shown = this.reason
    this.reason = null
    return shown
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
