import { cancelled } from './typingRhythm'

/**
 * The one speculative request the completion service runs at a time: a new one replaces it, and
 * any foreground request aborts it (a keystroke always wins over speculation).
 */
export class PrefetchSlot {
  private ac: AbortController | undefined

  abort(): void {
    this.ac?.abort()
  }

  async run(signal: AbortSignal, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    this.ac?.abort()
    const ac = new AbortController()
    this.ac = ac
    const onAbort = (): void => ac.abort()
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      await work(ac.signal)
    } catch (err) {
      if (ac.signal.aborted) throw cancelled()
      throw err
    } finally {
      signal.removeEventListener('abort', onAbort)
      if (this.ac === ac) this.ac = undefined
    }
  }
}
