/**
 * Runs requests one at a time (PGlite has one connection), in arrival order, with one exception:
 * an interactive request (a search's queries) goes before background steps (a long recount cut
 * into steps) that are already waiting. Everything else keeps its place, so a busy writer (the
 * embedding queue) cannot starve the background work, and the background work cannot hold up a
 * search for more than the one step that is running.
 *
 * A search is several requests in a row (full-text, vector, texts). After an interactive request
 * the next background step waits `graceMs`, so the search's next query arrives first instead of
 * waiting for a step each time.
 */
export class RequestQueue<R> {
  private readonly waiting: R[] = []
  private running = false
  private lastInteractiveEnd = -Infinity
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    /** Answers one request; must not reject (the worker turns every failure into a response). */
    private readonly run: (req: R) => Promise<void>,
    private readonly kind: (req: R) => 'interactive' | 'background' | 'normal',
    private readonly graceMs: number,
  ) {}

  push(req: R): void {
    this.waiting.push(req)
    // A search's query never waits out the grace meant for background steps.
    if (this.timer !== undefined && this.kind(req) === 'interactive') {
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
        const urgent = this.waiting.findIndex((r) => this.kind(r) === 'interactive')
        const at = urgent >= 0 ? urgent : 0
        const req = this.waiting[at]
        if (req === undefined) return
        const kind = this.kind(req)
        if (kind === 'background') {
          const wait = this.lastInteractiveEnd + this.graceMs - performance.now()
          if (wait > 0) {
            this.timer = setTimeout(() => {
              this.timer = undefined
              this.kick()
            }, wait)
            return
          }
        }
        this.waiting.splice(at, 1)
        await this.run(req)
        if (kind === 'interactive') this.lastInteractiveEnd = performance.now()
      }
    } finally {
      this.running = false
    }
  }
}
