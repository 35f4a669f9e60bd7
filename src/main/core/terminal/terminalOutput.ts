export interface TerminalOutputOptions {
  /** One `terminal.data` event: `seq` counts from 1. */
  emit(seq: number, data: string): void
  /** Stop / start reading the pty: the program writing blocks in the kernel meanwhile. */
  pause(): void
  resume(): void
  /** Output is gathered this long before it goes out as one event (default 12 ms). */
  flushMs?: number
  /** Most characters one event carries (default 64 Ki): ≈5 MB/s per terminal at most. */
  maxEventChars?: number
  /** Unsent output at which the pty is paused (default 1 Mi characters)… */
  highWater?: number
  /** …and at which it resumes (default 256 Ki). */
  lowWater?: number
  /** Output kept for a page that attaches late (default 256 Ki characters, the newest). */
  scrollbackChars?: number
}

/**
 * One terminal's output on its way to the renderer. Small reads are gathered into one event per
 * tick instead of one per read; a runaway program (`yes`) is paced: at most `maxEventChars` go
 * out per tick, and past `highWater` unsent characters the pty is paused, so the program blocks
 * on its own writes — memory stays bounded and the event loop is never busy for long. The newest
 * output is kept as scrollback for a reload or a reconnect.
 */
export class TerminalOutput {
  private pending: string[] = []
  private pendingChars = 0
  private seq = 0
  private readonly scrollback: string[] = []
  private scrollbackChars = 0
  private timer: NodeJS.Timeout | undefined
  private paused = false
  private closed = false
  private readonly o: Required<TerminalOutputOptions>

  constructor(options: TerminalOutputOptions) {
    this.o = {
      flushMs: 12,
      maxEventChars: 64 * 1024,
      highWater: 1024 * 1024,
      lowWater: 256 * 1024,
      scrollbackChars: 256 * 1024,
      ...options,
    }
  }

  push(data: string): void {
    if (this.closed || data.length === 0) return
    this.pending.push(data)
    this.pendingChars += data.length
    if (!this.paused && this.pendingChars >= this.o.highWater) {
      this.paused = true
      this.o.pause()
    }
    this.schedule()
  }

  /** Unsent characters (what backpressure bounds). */
  get backlog(): number {
    return this.pendingChars
  }

  /** The kept output and the last chunk it includes. */
  replay(): { data: string; seq: number } {
    return { data: this.scrollback.join(''), seq: this.seq }
  }

  /** Sends everything still pending now (the shell exited: its last words come before the exit event). */
  drain(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    while (this.pendingChars > 0) this.sendOne()
  }

  /** Stops sending; pending output is dropped. */
  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.pending = []
    this.pendingChars = 0
    if (this.paused) {
      this.paused = false
      this.o.resume()
    }
  }

  private schedule(): void {
    if (this.timer || this.closed) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.sendOne()
      if (this.paused && this.pendingChars <= this.o.lowWater) {
        this.paused = false
        this.o.resume()
      }
      if (this.pendingChars > 0) this.schedule()
    }, this.o.flushMs)
  }

  private sendOne(): void {
    if (this.pendingChars === 0) return
    let data = this.pending.length === 1 ? this.pending[0]! : this.pending.join('')
    let rest = ''
    if (data.length > this.o.maxEventChars) {
      let cut = this.o.maxEventChars
      // Never split a surrogate pair between two events.
      const code = data.charCodeAt(cut - 1)
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1
      rest = data.slice(cut)
      data = data.slice(0, cut)
    }
    this.pending = rest ? [rest] : []
    this.pendingChars = rest.length
    this.seq += 1
    this.keep(data)
    this.o.emit(this.seq, data)
  }

  private keep(data: string): void {
    this.scrollback.push(data)
    this.scrollbackChars += data.length
    while (this.scrollbackChars > this.o.scrollbackChars && this.scrollback.length > 1) {
      this.scrollbackChars -= this.scrollback.shift()!.length
    }
  }
}
