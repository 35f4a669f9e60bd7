import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { HearthError } from '@shared/errors'
import type { Disposable } from '../../base/lifecycle'
import type { CompiledPattern } from './literalMatcher'
import { scanBatch, type ScanRequest, type ScanResult } from './literalScan'

/** Files per message: small enough that a cancel or a reached limit stops within a few ms. */
const BATCH = 96
/** Threads end after this long without a search (a search starts them again in ~30 ms). */
const IDLE_MS = 60_000
/**
 * How long one batch may take: reading 96 files takes milliseconds, so only a regex that
 * backtracks without end (`(a|aa)+b`) comes near it. Past it the thread is ended (a RegExp
 * cannot be interrupted otherwise) and the search fails, saying so.
 */
export const BATCH_DEADLINE_MS = 5_000

/** A thread promised to a batch that has not posted it yet. */
const RESERVED = (): void => undefined

type Answer = { ok: true; result: ScanResult } | { ok: false; id: number; message: string }

interface Slot {
  worker: Worker
  busy: ((a: Answer | Error) => void) | null
}

export interface PoolRun {
  root: string
  realRoot: string
  paths: readonly string[]
  pattern: CompiledPattern
  maxMatches: number
  /** Each batch's files with matches, in the order batches finish. */
  onResult: (r: ScanResult) => void
  signal?: AbortSignal | undefined
}

/**
 * Worker threads that read and match files for literal search, one per core (at most 4): on a
 * 2-core machine a search of 10k files takes both cores for a moment and leaves the event loop
 * free. Batches go to whichever thread is free; a cancelled search or one that reached its limit
 * sends no more. Where the worker entry cannot be found the batches run on this thread, between
 * turns of the event loop.
 */
export class LiteralPool implements Disposable {
  private readonly slots: Slot[] = []
  private waiting: (() => void)[] = []
  private idleTimer: NodeJS.Timeout | null = null
  private nextId = 1
  private disposed = false
  private readonly entry: WorkerEntry | null = workerEntry()

  constructor(
    private readonly size = Math.max(1, Math.min(4, availableParallelism())),
    private readonly deadlineMs = BATCH_DEADLINE_MS,
    /** Tests: run batches on this thread, as a build without the worker entry does. */
    inThread = false,
  ) {
    if (inThread) this.entry = null
  }

  async run(r: PoolRun): Promise<{ searched: number; matches: number; truncated: boolean }> {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    let searched = 0
    let matches = 0
    let next = 0
    let truncated = false
    // One batch failing (too slow) stops the others: their threads are ended too, not left
    // matching for a search nobody waits for.
    const stop = new AbortController()
    const signal = r.signal ? AbortSignal.any([r.signal, stop.signal]) : stop.signal
    const one = async (): Promise<void> => {
      while (next < r.paths.length) {
        signal.throwIfAborted()
        if (matches >= r.maxMatches) {
          truncated = true
          return
        }
        const paths = r.paths.slice(next, next + BATCH)
        next += paths.length
        const req: ScanRequest = {
          id: this.nextId++,
          root: r.root,
          realRoot: r.realRoot,
          paths: [...paths],
          pattern: r.pattern,
          maxMatches: r.maxMatches - matches,
        }
        const res = await this.scan(req, signal)
        signal.throwIfAborted()
        if (res.stoppedAt !== undefined) throw tooSlow(res.stoppedAt)
        searched += res.searched
        matches += res.matches
        if (res.files.length > 0) r.onResult(res)
      }
    }
    try {
      await Promise.all(
        Array.from({ length: this.entry ? this.size : 1 }, () =>
          one().catch((err: unknown) => {
            stop.abort(err)
            throw err
          }),
        ),
      )
    } catch (err) {
      // The caller's cancel is its own reason; otherwise the first batch's failure.
      throw r.signal?.aborted ? r.signal.reason : (stop.signal.reason ?? err)
    } finally {
      this.scheduleIdle()
    }
    return { searched, matches, truncated: truncated || matches > r.maxMatches }
  }

  private async scan(req: ScanRequest, signal: AbortSignal): Promise<ScanResult> {
    if (!this.entry) {
      // No worker entry (an unusual build): one batch per turn of the event loop, and a deadline
      // checked between files (one file's regex cannot be stopped on this thread).
      await new Promise<void>((resolve) => setImmediate(resolve))
      signal.throwIfAborted()
      return scanBatch({ ...req, deadline: Date.now() + this.deadlineMs })
    }
    const slot = await this.freeSlot(signal)
    const progress = new Int32Array(new SharedArrayBuffer(8))
    let timer: NodeJS.Timeout | undefined
    let onAbort: (() => void) | undefined
    const postedAt = Date.now()
    const answer = await new Promise<Answer | Error | 'timeout' | 'aborted'>((resolve) => {
      slot.busy = resolve
      // A RegExp cannot be interrupted: past the deadline, or on cancel, the thread is ended. The
      // deadline counts from when the batch starts running: a fresh thread loading its code (slow
      // on a busy machine) has not spent any of it yet.
      const check = (): void => {
        const startedAfter = Atomics.load(progress, 1)
        const left =
          startedAfter === 0 ? this.deadlineMs : postedAt + startedAfter + this.deadlineMs - Date.now()
        if (left > 0) timer = setTimeout(check, left)
        else resolve('timeout')
      }
      timer = setTimeout(check, this.deadlineMs)
      onAbort = () => resolve('aborted')
      signal.addEventListener('abort', onAbort, { once: true })
      // Referenced only while it works: an idle thread must not keep the CLI's process alive.
      slot.worker.ref()
      slot.worker.postMessage({ ...req, progress, postedAt })
    })
    clearTimeout(timer)
    if (onAbort) signal.removeEventListener('abort', onAbort)
    slot.busy = null
    if (answer === 'timeout' || answer === 'aborted') {
      this.end(slot)
      if (answer === 'aborted') signal.throwIfAborted()
      throw tooSlow(req.paths[Atomics.load(progress, 0)] ?? req.paths[0] ?? '')
    }
    slot.worker.unref()
    this.waiting.shift()?.()
    if (answer instanceof Error) throw answer
    if (!answer.ok) throw new Error(answer.message)
    return answer.result
  }

  /** Ends a thread stuck in a batch; the next batch that needs one starts a fresh thread. */
  private end(slot: Slot): void {
    const i = this.slots.indexOf(slot)
    if (i !== -1) this.slots.splice(i, 1)
    void slot.worker.terminate().catch(() => 0)
    this.waiting.shift()?.()
  }

  private async freeSlot(signal: AbortSignal): Promise<Slot> {
    for (;;) {
      if (this.disposed) throw new Error('literal search is shut down')
      signal.throwIfAborted()
      // Taken here, synchronously: two batches asking at once must not get the same thread.
      const free =
        this.slots.find((s) => s.busy === null) ?? (this.slots.length < this.size ? this.spawn() : null)
      if (free) {
        free.busy = RESERVED
        return free
      }
      // A cancelled search stops waiting for a thread (it wakes, sees the abort and throws).
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal.removeEventListener('abort', wake)
          const i = this.waiting.indexOf(wake)
          if (i !== -1) this.waiting.splice(i, 1)
          resolve()
        }
        this.waiting.push(wake)
        signal.addEventListener('abort', wake, { once: true })
      })
    }
  }

  private spawn(): Slot {
    const entry = this.entry as WorkerEntry
    const worker = entry.eval ? new Worker(entry.code, { eval: true }) : new Worker(entry.file)
    const slot: Slot = { worker, busy: null }
    const drop = (err: Error): void => {
      const i = this.slots.indexOf(slot)
      if (i === -1) return // ended on purpose (end()): already replaced
      this.slots.splice(i, 1)
      slot.busy?.(err)
      // A batch waiting for a thread may start one in its place.
      this.waiting.shift()?.()
    }
    worker.on('message', (a: Answer) => slot.busy?.(a))
    worker.on('error', (err) => drop(new Error(`literal search worker crashed: ${err.message}`)))
    worker.on('exit', (code) => drop(new Error(`literal search worker exited (code ${code})`)))
    this.slots.push(slot)
    return slot
  }

  private scheduleIdle(): void {
    if (this.idleTimer || this.disposed) return
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null
      if (this.slots.some((s) => s.busy)) return
      void this.stopAll()
    }, IDLE_MS)
    this.idleTimer.unref()
  }

  private async stopAll(): Promise<void> {
    const slots = this.slots.splice(0)
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => 0)))
  }

  async dispose(): Promise<void> {
    this.disposed = true
    if (this.idleTimer) clearTimeout(this.idleTimer)
    for (const w of this.waiting.splice(0)) w()
    await this.stopAll()
  }
}

function tooSlow(path: string): HearthError {
  return new HearthError('timeout', `the regular expression took too long on ${path}: simplify it`)
}

type WorkerEntry = { file: string; eval: false } | { code: string; eval: true }

/** From source (vitest, tsx) through tsx's API, as the index store's workers; built: beside cli.js. */
function workerEntry(): WorkerEntry | null {
  const here = import.meta.url
  if (here.endsWith('.ts')) {
    const tsxDir = dirname(createRequire(here).resolve('tsx/package.json'))
    const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href
    const entry = new URL('./literalWorker.ts', here).href
    return {
      eval: true,
      code: `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`,
    }
  }
  for (const rel of ['./literalWorker.js', '../literalWorker.js', '../../literalWorker.js']) {
    const f = fileURLToPath(new URL(rel, here))
    if (existsSync(f)) return { eval: false, file: f }
  }
  return null
}
