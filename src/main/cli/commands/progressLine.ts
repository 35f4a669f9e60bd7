/** A one-line progress bar on a TTY (redrawn in place, throttled); silent when not a TTY. */
export class ProgressLine {
  private last = 0
  private shown = false

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(label: string, done?: number, total?: number, extra = ''): void {
    if (!this.out.isTTY) return
    const now = Date.now()
    if (now - this.last < 80 && done !== total) return
    this.last = now
    let line = label
    if (done !== undefined && total !== undefined && total > 0) {
      const width = 24
      const filled = Math.round((Math.min(done, total) / total) * width)
      line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`
    }
    if (extra) line += ` ${extra}`
    const cols = this.out.columns || 100
    this.out.write(`\r${line.slice(0, cols - 1).padEnd(cols - 1)}`)
    this.shown = true
  }

  done(): void {
    if (!this.shown) return
    this.shown = false
    this.out.write(`\r${' '.repeat((this.out.columns || 100) - 1)}\r`)
  }
}
