import type { Disposable } from './lifecycle'

/**
 * Time, injected: services that debounce, measure rhythm or expire things take a Clock, so their
 * tests step time instead of sleeping (ManualClock) and production uses the system's.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale (performance.now() in production). */
  now(): number
  /** Runs `fn` once after `ms`; disposing cancels it. Never keeps the process alive. */
  setTimeout(fn: () => void, ms: number): Disposable
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref()
    return { dispose: () => clearTimeout(t) }
  },
}

/** A clock that moves only when told to: `advance(ms)` runs the timers that fall due, in order. */
export class ManualClock implements Clock {
  private t = 0
  private seq = 0
  private readonly timers = new Map<number, { at: number; fn: () => void }>()

  now(): number {
    return this.t
  }

  setTimeout(fn: () => void, ms: number): Disposable {
    const id = ++this.seq
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn })
    return { dispose: () => void this.timers.delete(id) }
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.size
  }

  advance(ms: number): void {
    const end = this.t + ms
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e
      if (!next) break
      this.timers.delete(next[0])
      this.t = next[1].at
      next[1].fn()
    }
    this.t = end
  }
}
