import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { BackgroundBudget, BudgetConsumer, Budgets } from '../resources/budgets'
import { FULL_SPEED } from '../resources/budgets'
import type { FileChangeEvent } from '../watcher/types'
import type { IgnoreRules } from '../workspace/ignoreRules'
import type {
  FileCandidate,
  IndexBatchResult,
  OpArgs,
  OpResult,
  PrepareCandidate,
  SkippedFile,
} from './store/protocol'
import { walkWorkspace } from './walkWorkspace'

/** The store calls the indexer makes (IndexStore satisfies it). */
export interface IndexerStore {
  call<K extends 'prepareFiles' | 'writePrepared' | 'deleteFiles' | 'fileStates' | 'refreshTermStatsStep'>(
    op: K,
    args: OpArgs<K>,
  ): Promise<OpResult<K>>
}

export interface IndexProgress {
  phase: 'scanning' | 'indexing' | 'idle'
  /** Files looked at in this pass / to look at (0 while scanning). */
  done: number
  total: number
  chunksAdded: number
}

export interface ScanSummary {
  /** Files walked that are indexable candidates. */
  seen: number
  indexed: number
  unchanged: number
  removed: number
  chunks: number
  skipped: SkippedFile[]
  ms: number
}

// Files per worker round trip: big enough to amortise a transaction, small enough that the first
// results are searchable within a second and progress moves.
export const BATCH_FILES = 128
const BATCH_BYTES = 4 * 1024 * 1024

/**
 * Keeps the store equal to the workspace: a full scan (walk, diff by size+mtime then content hash,
 * delete what is gone) and incremental changes from the watcher. One operation at a time, in
 * order; changes that arrive meanwhile are merged and applied next. Honours the background
 * budget: paused waits, indexConcurrency bounds the batches in flight.
 */
export class Indexer implements BudgetConsumer {
  private budget: BackgroundBudget = FULL_SPEED.background
  private chain: Promise<unknown> = Promise.resolve()
  private readonly pendingChanges = new Map<string, FileChangeEvent['kind']>()
  private changeRun: Promise<void> | null = null
  private resumeWaiters: (() => void)[] = []
  private disposed = false
  private bulk: Promise<void> | null = null

  constructor(
    private readonly root: string,
    private readonly store: IndexerStore,
    private readonly rules: IgnoreRules,
    private readonly onProgress: (p: IndexProgress) => void = () => undefined,
    /** Called after a batch made new chunks (the embed queue kicks off). */
    private readonly onIndexed: () => void = () => undefined,
  ) {}

  setBudgets(b: Budgets): void {
    this.budget = b.background
    if (!b.background.paused) for (const w of this.resumeWaiters.splice(0)) w()
  }

  /**
   * Settles when the pass indexing more than one batch of files (a first index, a branch
   * switch) has written them all; null when none is running. The embedding queue waits for it.
   */
  get bulkPass(): Promise<void> | null {
    return this.bulk
  }

  get paused(): boolean {
    return this.budget.paused
  }

  private async whileRunnable(): Promise<void> {
    while (this.budget.paused && !this.disposed) await new Promise<void>((r) => this.resumeWaiters.push(r))
  }

  /** Walk the workspace and bring the store up to date with it. */
  fullScan(signal?: AbortSignal, force = false): Promise<ScanSummary> {
    const run = this.chain.then(() => this.doFullScan(signal, force))
    this.chain = run.catch(() => undefined)
    return run
  }

  private async doFullScan(signal: AbortSignal | undefined, force: boolean): Promise<ScanSummary> {
    const t0 = performance.now()
    this.onProgress({ phase: 'scanning', done: 0, total: 0, chunksAdded: 0 })
    const walked = await walkWorkspace(this.root, this.rules, signal)
    const known = await this.store.call('fileStates', {})
    const present = new Set(walked.files.map((f) => f.path))
    const gone = known.map((k) => k.path).filter((p) => !present.has(p))
    const summary: ScanSummary = {
      seen: walked.files.length,
      indexed: 0,
      unchanged: 0,
      removed: 0,
      chunks: 0,
      skipped: [...walked.skipped],
      ms: 0,
    }
    if (gone.length > 0) summary.removed += await this.store.call('deleteFiles', { paths: gone })
    await this.indexCandidates(walked.files, statesOf(known), summary, signal, force)
    await this.refreshTermStats()
    summary.ms = Math.round(performance.now() - t0)
    this.onProgress({ phase: 'idle', done: summary.seen, total: summary.seen, chunksAdded: summary.chunks })
    return summary
  }

  private async indexCandidates(
    all: FileCandidate[],
    known: Map<string, FileState>,
    summary: ScanSummary,
    signal?: AbortSignal,
    force = false,
  ): Promise<void> {
    // Same size and mtime as indexed: unchanged, without a read (the fast path).
    const files: PrepareCandidate[] = []
    for (const f of all) {
      const prev = known.get(f.path)
      if (!force && prev && prev.size === f.size && prev.mtimeMs === f.mtimeMs) summary.unchanged++
      else files.push(prev ? { ...f, prev } : f)
    }
    const batches: PrepareCandidate[][] = []
    let cur: PrepareCandidate[] = []
    let bytes = 0
    for (const f of files) {
      if (cur.length >= BATCH_FILES || (bytes + f.size > BATCH_BYTES && cur.length > 0)) {
        batches.push(cur)
        cur = []
        bytes = 0
      }
      cur.push(f)
      bytes += Math.min(f.size, BATCH_BYTES)
    }
    if (cur.length > 0) batches.push(cur)
    const run = this.indexBatches(batches, files.length, summary, signal, force)
    if (batches.length <= 1) return run
    // A bulk pass ends with its term-statistics recount, before the embedding queue (held while
    // the pass runs) takes the store: the recount's steps would otherwise queue behind its writes.
    const pass = run.then(() => this.refreshTermStats())
    // Waiters only need to know when it ends, not how.
    this.bulk = pass.then(
      () => undefined,
      () => undefined,
    )
    try {
      await pass
    } finally {
      this.bulk = null
    }
  }

  private async indexBatches(
    batches: PrepareCandidate[][],
    total: number,
    summary: ScanSummary,
    signal: AbortSignal | undefined,
    force: boolean,
  ): Promise<void> {
    let done = 0
    const inFlight = new Set<Promise<void>>()
    for (const batch of batches) {
      signal?.throwIfAborted()
      await this.whileRunnable()
      while (inFlight.size >= Math.max(1, this.budget.indexConcurrency)) await Promise.race(inFlight)
      // Prepare (read, chunk) runs in its own worker and overlaps the store writing the last batch.
      const p = this.store
        .call('prepareFiles', { root: this.root, files: batch, force })
        .then((prepared) => this.store.call('writePrepared', prepared))
        .then((r) => {
          merge(summary, r)
          done += batch.length
          this.onProgress({ phase: 'indexing', done, total, chunksAdded: summary.chunks })
          if (r.chunks > 0) this.onIndexed()
        })
      const tracked = p.finally(() => inFlight.delete(tracked))
      inFlight.add(tracked)
    }
    await Promise.all(inFlight)
  }

  /**
   * Watcher changes. Returns when they (and any merged in meanwhile) are in the store. A changed
   * `.gitignore` re-evaluates the whole tree: files can appear or disappear from the index.
   */
  applyChanges(batch: FileChangeEvent[]): Promise<void> {
    for (const c of batch) this.pendingChanges.set(c.path, c.kind)
    if (!this.changeRun) {
      const run = this.chain.then(() => this.drainChanges())
      this.chain = run.catch(() => undefined)
      this.changeRun = run.finally(() => {
        this.changeRun = null
      })
    }
    return this.changeRun
  }

  private async drainChanges(): Promise<void> {
    while (this.pendingChanges.size > 0 && !this.disposed) {
      await this.whileRunnable()
      const changes = [...this.pendingChanges]
      this.pendingChanges.clear()
      const ignoreFiles = changes.filter(([p]) => p === '.gitignore' || p.endsWith('/.gitignore'))
      if (ignoreFiles.length > 0) {
        for (const [p] of ignoreFiles)
          this.rules.invalidate(p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')
        await this.doFullScan(undefined, false)
        continue
      }
      const states = statesOf(await this.store.call('fileStates', {}))
      const known = new Set(states.keys())
      const toDelete: string[] = []
      const candidates: FileCandidate[] = []
      let rescan = false
      for (const [path, kind] of changes) {
        if (kind === 'deleted') {
          toDelete.push(path)
          // A deleted folder arrives as one event: everything indexed below it goes too.
          const prefix = `${path}/`
          for (const k of known) if (k.startsWith(prefix)) toDelete.push(k)
          continue
        }
        if (this.rules.isIgnored(path, false)) {
          if (known.has(path)) toDelete.push(path)
          continue
        }
        try {
          const st = await stat(join(this.root, path))
          if (st.isFile()) candidates.push({ path, size: st.size, mtimeMs: st.mtimeMs })
          // A folder appeared (moved in, branch switch): rescan (unchanged files cost a stat).
          else if (st.isDirectory()) rescan = true
        } catch {
          if (known.has(path)) toDelete.push(path)
        }
      }
      if (toDelete.length > 0) await this.store.call('deleteFiles', { paths: [...new Set(toDelete)] })
      if (candidates.length > 0) {
        const summary: ScanSummary = {
          seen: 0,
          indexed: 0,
          unchanged: 0,
          removed: 0,
          chunks: 0,
          skipped: [],
          ms: 0,
        }
        await this.indexCandidates(candidates, states, summary)
      }
      if (rescan) await this.doFullScan(undefined, false)
      // Merges GIN's pending list (and refreshes IDF when the index moved by >10 %).
      else await this.refreshTermStats()
    }
    this.onProgress({ phase: 'idle', done: 0, total: 0, chunksAdded: 0 })
  }

  /**
   * Merges GIN's pending list and, when the index moved by more than a tenth, recounts the term
   * statistics: one store request per slice, so searches are answered in between.
   */
  private async refreshTermStats(): Promise<void> {
    while (!this.disposed) {
      const step = await this.store.call('refreshTermStatsStep', { ifStale: true })
      if (step.done) return
    }
  }

  /** Resolves when every queued scan and change has been applied. */
  async idle(): Promise<void> {
    for (;;) {
      const c = this.chain
      await c
      if (c === this.chain && this.pendingChanges.size === 0 && !this.changeRun) return
    }
  }

  dispose(): void {
    this.disposed = true
    for (const w of this.resumeWaiters.splice(0)) w()
  }
}

type FileState = { hash: string; size: number; mtimeMs: number }

function statesOf(list: ({ path: string } & FileState)[]): Map<string, FileState> {
  return new Map(list.map((k) => [k.path, { hash: k.hash, size: k.size, mtimeMs: k.mtimeMs }]))
}

function merge(s: ScanSummary, r: IndexBatchResult): void {
  s.indexed += r.indexed
  s.unchanged += r.unchanged
  s.chunks += r.chunks
  s.removed += r.removed
  s.skipped.push(...r.skipped)
}
