export type DownloadPhase = 'connecting' | 'checking' | 'downloading' | 'verifying' | 'done'

export interface DownloadProgress {
  phase: DownloadPhase
  /** Bytes of the file on disk so far (a resumed download starts above 0). */
  bytes: number
  totalBytes?: number
  /** Recent rate over the last few seconds. */
  bytesPerSecond: number
  /** Seconds left at the recent rate, when the size and a rate are known. */
  etaSeconds?: number
}

/** Progress is reported at most this often, so a fast download does not flood the UI. */
const EVERY_MS = 250
/** The rate is measured over this window: long enough to be steady, short enough to follow changes. */
const WINDOW_MS = 5000
const SAMPLE_MS = 100

/** Turns byte counts into throttled progress reports with a rate and an ETA. */
export class ProgressMeter {
  private samples: { at: number; bytes: number }[] = []
  private lastReport = 0

  constructor(
    private readonly report: ((p: DownloadProgress) => void) | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(phase: DownloadPhase, bytes: number, totalBytes: number | undefined, force = false): void {
    const t = this.now()
    if (phase === 'downloading') {
      // One sample per SAMPLE_MS (the latest overwrites): a fast download reports thousands of
      // chunks a second, and the rate needs only the window's ends.
      const last = this.samples[this.samples.length - 1]
      const prev = this.samples[this.samples.length - 2]
      if (last && prev && t - prev.at < SAMPLE_MS) {
        last.at = t
        last.bytes = bytes
      } else this.samples.push({ at: t, bytes })
      while (this.samples.length > 2 && t - (this.samples[0]?.at ?? t) > WINDOW_MS) this.samples.shift()
    }
    if (!this.report || (!force && t - this.lastReport < EVERY_MS)) return
    this.lastReport = t
    const rate = this.rate()
    const left = totalBytes !== undefined ? totalBytes - bytes : undefined
    const p: DownloadProgress = { phase, bytes, bytesPerSecond: rate }
    if (totalBytes !== undefined) p.totalBytes = totalBytes
    if (left !== undefined && rate > 0 && phase === 'downloading') p.etaSeconds = Math.ceil(left / rate)
    this.report(p)
  }

  private rate(): number {
    const first = this.samples[0]
    const last = this.samples[this.samples.length - 1]
    if (!first || !last || last.at - first.at < 200) return 0
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at)
  }
}
