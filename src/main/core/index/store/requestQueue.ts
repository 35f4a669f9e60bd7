/**
 * Runs requests one at a time (PGlite has one connection), in arrival order, except that
 * background requests (the steps of a long recount) give way: they run only when no other request
 * is waiting and none has finished within the last `graceMs`. A search is several requests in a
 * row (full-text, vector, texts); the grace lets its next one arrive before a background step
 * takes the store again, so a search waits for one background step at most, not one per query.
 */
export class RequestQueue<R> {
  private readonly waiting: R[] = []
  private running = false
  private lastForegroundEnd = -Infinity
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    /** Answers one request; must not reject (the worker turns every failure into a response). */
    private readonly run: (req: R) => Promise<void>,
    private readonly isBackground: (req: R) => boolean,
    private readonly graceMs: number,
  ) {}

  push(req: R): void {
    this.waiting.push(req)
    // A foreground request never waits out the grace meant for background steps.
    if (this.timer !== undefined && !this.isBackground(req)) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    this.kick()
  }

  private kick(): void {
    if (this.running || this.timer !== undefined) return
    void this.pump()
  }

  private async pump(): Promise<void> {
    this.running = true
    try {
      for (;;) {
        const fg = this.waiting.findIndex((r) => !this.isBackground(r))
        if (fg < 0 && this.waiting.length > 0) {
          const wait = this.lastForegroundEnd + this.graceMs - performance.now()
          if (wait > 0) {
            // Come back when the grace is over; a foreground request arriving meanwhile cancels
            // the timer and runs at once (push).
            this.timer = setTimeout(() => {
              this.timer = undefined
              this.kick()
            }, wait)
            return
          }
        }
        const at = fg >= 0 ? fg : 0
        const req = this.waiting.splice(at, 1)[0]
        if (req === undefined) return
        await this.run(req)
        if (fg >= 0) this.lastForegroundEnd = performance.now()
      }
    } finally {
      this.running = false
    }
  }
}
