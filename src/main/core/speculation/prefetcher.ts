import type { CounterFamily } from '../metrics/registry'
import { FULL_SPEED, type BudgetConsumer, type Budgets } from '../resources/budgets'
import type {
  CompletionPrefetchTarget,
  EmbeddingPrefetchTarget,
  NextCompletionContext,
} from '../resources/prefetchTargets'
import type { Disposable } from '../base/lifecycle'

export type { NextCompletionContext, PrefetchTarget } from '../resources/prefetchTargets'

export interface PrefetchTask {
  /** Same key = same work: a newer task replaces a queued one. */
  key: string
  strategy: string
  /** Higher runs first. */
  priority: number
  /** 0–1: how likely the result is used; compared with budgets.background.prefetchMinConfidence. */
  confidence: number
  /** Runs only while background work is not paused (user not typing, not on low battery…). */
  needsIdle: boolean
  /** Dropped if it has not started within this time. */
  ttlMs: number
  /** Put back in the queue when a keystroke cancels it (the file is still open), else dropped. */
  retryAfterCancel: boolean
  run(signal: AbortSignal): Promise<void>
}

/**
 * Built-in strategies. After an accepted completion the next one is likely wanted within a
 * second or two, so it runs even while the user is between keystrokes (a keystroke cancels it);
 * warming a just-opened file waits until the machine is idle.
 */
export const STRATEGIES = {
  'next-completion': { priority: 2, needsIdle: false, ttlMs: 10_000, retryAfterCancel: false },
  'warm-file': { priority: 1, needsIdle: true, ttlMs: 5 * 60_000, retryAfterCancel: true },
} as const

export type PrefetchOutcome = 'done' | 'failed' | 'cancelled' | 'skipped' | 'expired' | 'replaced'

export interface PrefetcherOptions {
  completion?: CompletionPrefetchTarget
  index?: EmbeddingPrefetchTarget
  /** hearth_prefetch_total{strategy,outcome}. */
  counter?: CounterFamily
  now?: () => number
  /** A task cancelled by keystrokes this many times is dropped. */
  maxRetries?: number
}

interface Queued {
  task: PrefetchTask
  enqueuedAt: number
  retries: number
}

/**
 * Speculative work at the lowest priority: one task at a time, started from a fresh macrotask
 * (never inside a user request's turn), only while budgets allow prefetch, and aborted the
 * moment the user types or a foreground request starts — a prefetch never competes with the
 * user. Budgets arrive through setBudgets like every other consumer.
 */
export class Prefetcher implements Disposable, BudgetConsumer {
  private budgets: Budgets = FULL_SPEED
  private readonly queue = new Map<string, Queued>()
  private running?: {
    q: Queued
    ac: AbortController
    cancelledBy?: 'keystroke' | 'foreground' | 'budget' | 'dispose'
  }
  private foregroundCount = 0
  private pumpScheduled?: NodeJS.Immediate
  private expiryTimer?: NodeJS.Timeout
  private disposed = false
  private readonly now: () => number
  /** Acceptance rate of shown completions (EMA): the next-completion strategy's confidence. */
  private acceptRate = 0.5

  constructor(private readonly opts: PrefetcherOptions = {}) {
    this.now = opts.now ?? Date.now
  }

  setBudgets(b: Budgets): void {
    this.budgets = b
    if (this.running && !this.allowed(this.running.q.task)) this.cancelRunning('budget')
    this.schedulePump()
  }

  // --- events that create work ---------------------------------------------------------

  /** A suggestion was shown; `accepted` says whether the user took it. Drives confidence. */
  noteCompletionOutcome(accepted: boolean): void {
    this.acceptRate = this.acceptRate * 0.9 + (accepted ? 0.1 : 0)
  }

  onCompletionAccepted(ctx: NextCompletionContext): void {
    this.noteCompletionOutcome(true)
    const target = this.opts.completion
    if (!target) return
    const s = STRATEGIES['next-completion']
    this.enqueue({
      key: `next-completion:${ctx.path}`,
      strategy: 'next-completion',
      ...s,
      confidence: Math.min(0.95, 0.3 + this.acceptRate),
      run: (signal) => target.nextCompletion(ctx, signal),
    })
  }

  onFileOpened(path: string): void {
    const { completion, index } = this.opts
    if (!completion && !index) return
    this.enqueue({
      key: `warm-file:${path}`,
      strategy: 'warm-file',
      ...STRATEGIES['warm-file'],
      // A file the user just opened is very likely to be edited and asked about.
      confidence: 0.8,
      run: async (signal) => {
        index?.prioritizeEmbedding(path)
        if (completion) await completion.warm(path, signal)
      },
    })
  }

  /** Any other strategy (the seed's design: strategies with priority and confidence). */
  enqueue(task: PrefetchTask): void {
    if (this.disposed) return
    const min = this.budgets.background.prefetchMinConfidence ?? 0
    if (task.confidence < min) return this.count(task, 'skipped')
    const old = this.queue.get(task.key)
    if (old) this.count(old.task, 'replaced')
    this.queue.set(task.key, { task, enqueuedAt: this.now(), retries: old?.retries ?? 0 })
    this.schedulePump()
  }

  // --- events that stop work -----------------------------------------------------------

  /** Every user keystroke: speculation in flight is stale now. */
  noteKeystroke(): void {
    for (const [k, q] of this.queue) {
      if (!q.task.retryAfterCancel) {
        this.queue.delete(k)
        this.count(q.task, 'cancelled')
      }
    }
    this.cancelRunning('keystroke')
  }

  /**
   * A user request (completion, search) is starting: prefetch yields until the returned
   * release function is called.
   */
  foreground(): () => void {
    this.foregroundCount++
    this.cancelRunning('foreground')
    let released = false
    return () => {
      if (released) return
      released = true
      this.foregroundCount--
      this.schedulePump()
    }
  }

  /** For tests and the status panel. */
  pending(): { key: string; strategy: string; confidence: number }[] {
    return [...this.queue.values()].map(({ task }) => ({
      key: task.key,
      strategy: task.strategy,
      confidence: task.confidence,
    }))
  }

  get busy(): boolean {
    return this.running !== undefined
  }

  dispose(): void {
    this.disposed = true
    this.cancelRunning('dispose')
    this.queue.clear()
    if (this.pumpScheduled) clearImmediate(this.pumpScheduled)
    if (this.expiryTimer) clearTimeout(this.expiryTimer)
  }

  // --- execution -----------------------------------------------------------------------

  private allowed(task: PrefetchTask): boolean {
    const bg = this.budgets.background
    if (!bg.prefetch || this.foregroundCount > 0) return false
    if (task.confidence < (bg.prefetchMinConfidence ?? 0)) return false
    return !(task.needsIdle && bg.paused)
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.disposed) return
    // setImmediate: start after the current turn (a user request's handler) has finished.
    this.pumpScheduled = setImmediate(() => {
      this.pumpScheduled = undefined
      this.pump()
    })
  }

  private pump(): void {
    if (this.disposed || this.running) return
    const now = this.now()
    let best: Queued | undefined
    for (const [k, q] of this.queue) {
      if (now - q.enqueuedAt > q.task.ttlMs) {
        this.queue.delete(k)
        this.count(q.task, 'expired')
        continue
      }
      if (!this.allowed(q.task)) continue
      if (
        !best ||
        q.task.priority > best.task.priority ||
        (q.task.priority === best.task.priority && q.task.confidence > best.task.confidence)
      ) {
        best = q
      }
    }
    this.scheduleExpiry()
    if (!best) return
    this.queue.delete(best.task.key)
    const ac = new AbortController()
    const run = (this.running = { q: best, ac } as NonNullable<Prefetcher['running']>)
    const task = best.task
    let promise: Promise<void>
    try {
      promise = task.run(ac.signal)
    } catch (err) {
      promise = Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
    promise.then(
      () => this.finish(run, ac.signal.aborted ? 'cancelled' : 'done'),
      () => this.finish(run, ac.signal.aborted ? 'cancelled' : 'failed'),
    )
  }

  private finish(run: NonNullable<Prefetcher['running']>, outcome: PrefetchOutcome): void {
    if (this.running === run) this.running = undefined
    const { q, cancelledBy } = run
    this.count(q.task, outcome)
    if (outcome === 'cancelled' && cancelledBy !== 'dispose' && q.task.retryAfterCancel) {
      const retries = q.retries + 1
      if (retries <= (this.opts.maxRetries ?? 3) && !this.queue.has(q.task.key)) {
        this.queue.set(q.task.key, { task: q.task, enqueuedAt: q.enqueuedAt, retries })
      }
    }
    this.schedulePump()
  }

  private cancelRunning(by: 'keystroke' | 'foreground' | 'budget' | 'dispose'): void {
    if (!this.running || this.running.ac.signal.aborted) return
    this.running.cancelledBy = by
    this.running.ac.abort(new Error(`prefetch cancelled (${by})`))
  }

  /** Queued tasks must expire even if nothing else happens; one unref'd timer for the earliest. */
  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer)
    this.expiryTimer = undefined
    let earliest = Infinity
    for (const q of this.queue.values()) earliest = Math.min(earliest, q.enqueuedAt + q.task.ttlMs)
    if (!Number.isFinite(earliest)) return
    this.expiryTimer = setTimeout(() => this.schedulePump(), Math.max(0, earliest - this.now()) + 1)
    this.expiryTimer.unref()
  }

  private count(task: PrefetchTask, outcome: PrefetchOutcome): void {
    this.opts.counter?.inc({ strategy: task.strategy, outcome })
  }
}

/** Wires a prefetcher to the controller: budgets in, keystrokes cancel. Returns the disconnect. */
export function connectPrefetcher(
  controller: {
    register(c: BudgetConsumer): () => void
    onActivity(l: () => void): () => void
  },
  prefetcher: Prefetcher,
): () => void {
  const offBudgets = controller.register(prefetcher)
  // Any user activity (keystroke, edit, a completion request the user's typing triggered).
  const offActivity = controller.onActivity(() => prefetcher.noteKeystroke())
  return () => {
    offBudgets()
    offActivity()
  }
}
