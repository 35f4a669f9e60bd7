import type { Embedder } from '../inference/embedder'
import type { BackgroundBudget, BudgetConsumer, Budgets } from '../resources/budgets'
import { FULL_SPEED } from '../resources/budgets'
import type { OpArgs, OpResult, PendingEmbed } from './store/protocol'
import { describeError, writeFailureOf } from './store/storeErrors'

export interface EmbedQueueStore {
  call<K extends 'pendingEmbeds' | 'pendingEmbedsFor' | 'putEmbeddings' | 'stats' | 'maintainVectorIndex'>(
    op: K,
    args: OpArgs<K>,
  ): Promise<OpResult<K>>
}

/** Most texts moved between store and embedder per round (one read, one write transaction). */
const STORE_BATCH = 512
/** How long the vector index upkeep may take before the status says it is building one. */
const BUILD_NOTICE_MS = 400
/** Recently opened files kept at the front of the backlog. */
const MAX_PRIORITY = 16

/** A batch and its vectors, same order. */
interface Embedded {
  batch: PendingEmbed[]
  vectors: Float32Array[]
}

/** How a write ended: stored, or left in the backlog after a full disk (ok), or failed (err). */
type PutOutcome = { ok: true } | { ok: false; err: unknown }

export interface EmbedQueueState {
  /** building: the vector index is being built (in steps; searches answer from full text meanwhile). */
  status: 'idle' | 'running' | 'paused' | 'unavailable' | 'stopped' | 'building'
  /** Why it is paused or unavailable, for the status bar. */
  reason?: string
  /** Texts embedded since start. */
  embedded: number
}

/**
 * Phase two of indexing: fills in vectors behind the full-text index, in batches, at the rate the
 * resource policy allows (embedBatchSize, embedPerMinute, paused). An unreachable embedder is a
 * state with a reason and a retry with backoff, never an error that stops indexing.
 */
export class EmbedQueue implements BudgetConsumer {
  private budget: BackgroundBudget = FULL_SPEED.background
  private wake: (() => void) | null = null
  private running = false
  private stopped = false
  private failures = 0
  private sinceMaintenance = 0
  private drainWaiters: { resolve: (s: EmbedQueueState) => void }[] = []
  private loopDone: Promise<void> = Promise.resolve()
  /** The write of the last embedded batch, while the next one is embedded (startPut). */
  private storing: Promise<PutOutcome> | null = null
  /** Aborts the embedder call in flight when the queue stops. */
  private readonly stopAc = new AbortController()
  /** Files to embed before the rest of the backlog, oldest first (bounded). */
  private readonly priority = new Set<string>()
  readonly state: EmbedQueueState = { status: 'idle', embedded: 0 }

  constructor(
    private readonly store: EmbedQueueStore,
    private readonly embedder: Embedder,
    private readonly onState: (s: EmbedQueueState) => void = () => undefined,
    /**
     * While this returns a promise (a bulk full-text pass is running), the queue waits for it.
     * Both compete for the one store worker and the CPU; files are searchable sooner when
     * full-text indexing goes first, and the vectors follow without a race for every batch.
     */
    private readonly holdWhile: () => Promise<unknown> | null = () => null,
  ) {}

  setBudgets(b: Budgets): void {
    this.budget = b.background
    this.kick()
  }

  start(): void {
    if (this.running || this.stopped) return
    this.running = true
    this.loopDone = this.loop().catch((err: unknown) => {
      if (!this.stopped) this.set('unavailable', describeError(err))
    })
  }

  /**
   * Embed this file's chunks before the rest of the backlog (the prefetcher calls it when the
   * user opens a file). Still obeys the budget: a paused queue stays paused.
   */
  prioritize(path: string): void {
    this.priority.delete(path)
    this.priority.add(path)
    if (this.priority.size > MAX_PRIORITY) {
      const oldest = this.priority.values().next().value
      if (oldest !== undefined) this.priority.delete(oldest)
    }
    this.kick()
  }

  /** New chunks were indexed (or the budget changed): look at the backlog again. */
  kick(): void {
    const w = this.wake
    this.wake = null
    w?.()
  }

  /**
   * Resolves when the backlog is empty, or with status 'unavailable' after the embedder failed
   * `maxFailures` times in a row (callers like the CLI report that instead of waiting forever).
   */
  drain(): Promise<EmbedQueueState> {
    this.start()
    return new Promise((resolve) => {
      this.drainWaiters.push({ resolve })
      this.kick()
    })
  }

  /**
   * Stops for good. Resolves once the loop has exited: nothing this queue embedded is written
   * after that (an index switching embedders relies on it).
   */
  stop(): Promise<void> {
    this.stopped = true
    this.stopAc.abort()
    this.set('stopped')
    this.kick()
    for (const w of this.drainWaiters.splice(0)) w.resolve(this.state)
    return this.loopDone
  }

  private set(status: EmbedQueueState['status'], reason?: string): void {
    const changed = this.state.status !== status || this.state.reason !== reason
    this.state.status = status
    if (reason) this.state.reason = reason
    else delete this.state.reason
    if (changed || status === 'running') this.onState({ ...this.state })
  }

  private sleep(ms: number): Promise<void> {
    // stop() may land while the loop awaits the store, when there is no sleep to wake yet.
    if (this.stopped) return Promise.resolve()
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null
        resolve()
      }, ms)
      this.wake = () => {
        clearTimeout(t)
        resolve()
      }
    })
  }

  /** Until `p` settles, the queue stops or a kick() (new chunks, a budget change) arrives. */
  private waitFor(p: Promise<unknown>): Promise<void> {
    if (this.stopped) return Promise.resolve()
    return new Promise((resolve) => {
      const done = (): void => {
        if (this.wake === done) this.wake = null
        resolve()
      }
      this.wake = done
      p.then(done, done)
    })
  }

  /**
   * A store call that may meet a disk that cannot take writes (full, read-only): then the queue
   * says so, lets waiting callers go (the CLI reports it) and returns null after a minute or a
   * kick, and the loop tries again; the backlog stays where it was. Other failures end the loop.
   */
  private async storeOrWait<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await call()
    } catch (err) {
      if (!writeFailureOf(err) || this.stopped) throw err
      this.set('unavailable', describeError(err))
      for (const w of this.drainWaiters.splice(0)) w.resolve(this.state)
      await this.sleep(60_000)
      return null
    }
  }

  /**
   * Prioritised files first; once they have no backlog left, the rest in store order. `skip`: texts
   * embedded but not yet stored (still in the backlog): asked for on top of `limit` and left out.
   */
  private async nextBatch(limit: number, skip: ReadonlySet<string>): Promise<PendingEmbed[]> {
    const fresh = (b: PendingEmbed[]): PendingEmbed[] =>
      skip.size === 0 ? b : b.filter((p) => !skip.has(p.hash)).slice(0, limit)
    if (this.priority.size > 0) {
      const first = fresh(
        await this.store.call('pendingEmbedsFor', { limit: limit + skip.size, paths: [...this.priority] }),
      )
      if (first.length > 0) return first
      this.priority.clear()
    }
    return fresh(await this.store.call('pendingEmbeds', { limit: limit + skip.size }))
  }

  /**
   * Stores an embedded batch without waiting for it: the next batch is embedded on this thread
   * while the store worker writes this one (the two run on two cores). Never rejects: the outcome
   * is looked at by settle(), before the next backlog read.
   */
  private startPut(b: Embedded): Promise<PutOutcome> {
    this.set('running')
    return this.storeOrWait(() =>
      this.store.call('putEmbeddings', {
        items: b.batch.map((p, i) => ({ hash: p.hash, vector: Array.from(b.vectors[i] ?? []) })),
      }),
    ).then(
      (put): PutOutcome => {
        if (put !== null) {
          this.state.embedded += b.batch.length
          this.sinceMaintenance += b.batch.length
        }
        return { ok: true }
      },
      (err: unknown): PutOutcome => ({ ok: false, err }),
    )
  }

  /** Waits for the batch being stored, if any; a store failure other than a full disk ends the loop. */
  private async settle(): Promise<void> {
    const p = this.storing
    if (!p) return
    const r = await p
    if (this.storing === p) this.storing = null
    if (!r.ok) throw r.err
  }

  private async loop(): Promise<void> {
    try {
      await this.run()
    } finally {
      // Nothing this queue embedded is written after stop() resolves: the last write is awaited.
      await this.settle().catch(() => undefined)
      this.running = false
    }
  }

  private async run(): Promise<void> {
    /** Embedded, not yet handed to the store (it is once the next backlog read has left it out). */
    let ready: Embedded | null = null
    while (!this.stopped) {
      const b = this.budget
      if (b.paused || b.embedPerMinute <= 0) {
        this.set('paused', b.paused ? b.reason : 'embedding rate is 0')
        await this.sleep(60_000)
        continue
      }
      const hold = this.holdWhile()
      if (hold) {
        this.set('paused', 'full-text indexing first')
        await this.waitFor(hold)
        continue
      }
      const size = Math.max(1, Math.min(b.embedBatchSize, this.embedder.maxBatch))
      // Store round trips are per transaction: take several requests' worth at once (one write),
      // but only as many as the rate allows in about a second.
      const perSecond = Number.isFinite(b.embedPerMinute) ? Math.ceil(b.embedPerMinute / 60) : STORE_BATCH
      const take = Math.max(size, Math.min(STORE_BATCH, perSecond))
      // The previous write is done before the backlog is read (its texts have left it by then);
      // the batch embedded since is still in it, so the read leaves those out.
      await this.settle()
      const skip: ReadonlySet<string> = new Set(hashesOf(ready))
      const batch: PendingEmbed[] | null = await this.storeOrWait((): Promise<PendingEmbed[]> =>
        this.nextBatch(take, skip),
      )
      if (ready) this.storing = this.startPut(ready)
      ready = null
      if (!batch) continue
      if (batch.length === 0) {
        if (this.storing) continue // read again once it is stored: then the backlog is empty
        if (this.sinceMaintenance > 0) {
          this.sinceMaintenance = 0
          // A build takes seconds to minutes (in short steps; searches use full text meanwhile):
          // said once the call outlasts the check that finds nothing to build, which answers in
          // milliseconds.
          const saying = setTimeout(() => this.set('building'), BUILD_NOTICE_MS)
          try {
            await this.store.call('maintainVectorIndex', {})
          } finally {
            clearTimeout(saying)
          }
        }
        this.set('idle')
        for (const w of this.drainWaiters.splice(0)) w.resolve(this.state)
        await this.sleep(60_000)
        continue
      }
      const t0 = performance.now()
      let vectors: Float32Array[]
      try {
        vectors = []
        for (let i = 0; i < batch.length; i += size) {
          vectors.push(
            ...(await this.embedder.embed(
              batch.slice(i, i + size).map((p) => p.text),
              this.stopAc.signal,
            )),
          )
          // A local embedder computes on this thread: let timers and I/O in between requests.
          await new Promise((r) => setImmediate(r))
        }
        if (vectors.length !== batch.length)
          throw new Error(`embedder returned ${vectors.length} vectors for ${batch.length} texts`)
        this.failures = 0
      } catch (err) {
        if (this.stopped) break
        this.failures++
        this.set('unavailable', `embedder ${this.embedder.id}: ${describeError(err)}`)
        if (this.failures >= 3) for (const w of this.drainWaiters.splice(0)) w.resolve(this.state)
        await this.sleep(Math.min(60_000, 1000 * 2 ** Math.min(6, this.failures)))
        continue
      }
      if (this.stopped) break
      ready = { batch, vectors }
      // Rate limit (texts per minute) and duty cycle (share of wall time spent embedding): the
      // stricter wins. Held against kick()s for new chunks; only a budget change (or stop) ends it early.
      const duty = b.embedDutyCycle ?? 1
      const until = Math.max(
        Number.isFinite(b.embedPerMinute) ? t0 + (batch.length * 60_000) / b.embedPerMinute : 0,
        duty > 0 && duty < 1 ? t0 + (performance.now() - t0) / duty : 0,
      )
      if (performance.now() < until) {
        // Paced: stored now rather than after the pause (nothing to overlap it with meanwhile).
        await this.settle()
        this.storing = this.startPut(ready)
        ready = null
      }
      while (!this.stopped && this.budget === b && performance.now() < until) {
        await this.sleep(until - performance.now())
      }
    }
  }
}

const hashesOf = (b: Embedded | null): string[] => (b ? b.batch.map((p) => p.hash) : [])
