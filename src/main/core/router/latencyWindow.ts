/**
 * The last N latencies of one endpoint (a ring buffer): what the resource-based balancer ranks
 * by. A window, not an all-time histogram, so a server that got slow (or recovered) is seen
 * within N requests.
 */
export class LatencyWindow {
  private readonly values: number[] = []
  private next = 0

  constructor(private readonly size = 32) {}

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return
    if (this.values.length < this.size) this.values.push(ms)
    else this.values[this.next] = ms
    this.next = (this.next + 1) % this.size
  }

  get count(): number {
    return this.values.length
  }

  /** q-quantile of the window (nearest rank), null when empty. */
  quantile(q: number): number | null {
    if (this.values.length === 0) return null
    const sorted = [...this.values].sort((a, b) => a - b)
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
    return sorted[i] ?? null
  }

  clear(): void {
    this.values.length = 0
    this.next = 0
  }
}
