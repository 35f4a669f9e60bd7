import { describeError } from './store/storeErrors'
import type { BackgroundBudget, BudgetConsumer, Budgets } from '../resources/budgets'
import { FULL_SPEED } from '../resources/budgets'
import type { FileChangeEvent } from '../files/watchTypes'
import { IgnoreRules } from '../files/ignoreRules'
import type {
  FileCandidate,
  IndexBatchResult,
  OpArgs,
  OpResult,
  PrepareCandidate,
  SkippedFile,
} from './store/protocol'
import { lookUpPath, walkWorkspaceParts } from '../files/walkWorkspace'
import { realRoot } from '../files/openInside'

/** The store calls the indexer makes (IndexStore satisfies it). */
export interface IndexerStore {
  call<K extends 'prepareFiles' | 'writePrepared' | 'deleteFiles' | 'fileStates' | 'refreshTermStatsStep'>(
    op: K,
    args: OpArgs<K>,
  ): Promise<OpResult<K>>
}

export interface IndexerOptions {
  /**
   * The user's `index.includeSecretFiles` (default false), read at each scan and change; after it
   * changes, a full scan adds or removes those files.
   */
  includeSecretFiles?: () => boolean
  /**
   * What a full scan leaves out, each time it is known: once the walk is over (and what it let go
   * of has left the store), then at its end with the files the read refused. Each call replaces
   * the last, whatever started the scan (a rescan, an edited ignore file, a new folder), so the
   * status does not wait for the writes, nor keep an old list after a rescan it did not ask for.
   */
  onSkipped?: (skipped: readonly SkippedFile[]) => void
  /**
   * Files about to be indexed (a scan's candidates, a change's files), told before their batch
   * is written: one an earlier scan left out (an opt-in, a rule gone) must leave that list before
   * a search can find it, not when the scan ends.
   */
  onAdmitted?: (paths: readonly string[]) => void
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
  /** A scan or change ran, so verdicts of the rules are in the store (onTrackedChange). */
  private applied = false
  private rulesRescanQueued = false
  private readonly unsubscribeRules: () => void

  constructor(
    private readonly root: string,
    private readonly store: IndexerStore,
    private readonly rules: IgnoreRules,
    private readonly onProgress: (p: IndexProgress) => void = () => undefined,
    /** Called after a batch made new chunks (the embed queue kicks off). */
    private readonly onIndexed: () => void = () => undefined,
    private readonly options: IndexerOptions = {},
  ) {
    // git's answer on tracked folders lands in the background (IgnoreRules never asks it
    // synchronously): when it changes what the defaults leave out, a scan brings the store in line.
    this.unsubscribeRules = rules.onTrackedChange(() => this.rescanForRules())
  }

  private rescanForRules(): void {
    // Nothing indexed yet (or a read-only index that never scans): the first scan uses the answer.
    if (this.disposed || !this.applied || this.rulesRescanQueued) return
    this.rulesRescanQueued = true
    const run = this.chain.then(() => {
      this.rulesRescanQueued = false
      return this.doFullScan(undefined, false)
    })
    this.chain = run.catch(() => undefined)
  }

  private includeSecretFiles(): boolean {
    return this.options.includeSecretFiles?.() ?? false
  }

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
    this.applied = true
    const t0 = performance.now()
    this.onProgress({ phase: 'scanning', done: 0, total: 0, chunksAdded: 0 })
    const known = await this.store.call('fileStates', {})
    // A first index: start the prepare worker now if the store did not start it with a new
    // index's databases, so it is up when the walk hands it a batch (IndexStore.open).
    if (known.length === 0)
      void this.store.call('prepareFiles', { root: this.root, files: [] }).catch(() => undefined)
    const summary: ScanSummary = {
      seen: 0,
      indexed: 0,
      unchanged: 0,
      removed: 0,
      chunks: 0,
      skipped: [],
      ms: 0,
    }
    const pass = this.startPass(statesOf(known), summary, signal, force)
    const present = new Set<string>()
    try {
      // Batches go to the workers while the walk goes on (walkWorkspaceParts).
      const walkOptions = { includeSecretFiles: this.includeSecretFiles() }
      for await (const part of walkWorkspaceParts(this.root, this.rules, signal, walkOptions)) {
        summary.seen += part.files.length
        summary.skipped.push(...part.skipped)
        for (const f of part.files) present.add(f.path)
        this.options.onAdmitted?.(part.files.map((f) => f.path))
        await pass.add(part.files)
      }
      const gone = known.map((k) => k.path).filter((p) => !present.has(p))
      if (gone.length > 0) summary.removed += await this.store.call('deleteFiles', { paths: gone })
      // The walk's list is whole now; the batches still being written only add read refusals.
      this.options.onSkipped?.([...summary.skipped])
    } catch (err) {
      await pass.abandon()
      throw err
    }
    await pass.finish()
    this.options.onSkipped?.([...summary.skipped])
    await this.refreshTermStats()
    summary.ms = Math.round(performance.now() - t0)
    this.onProgress({ phase: 'idle', done: summary.seen, total: summary.seen, chunksAdded: summary.chunks })
    return summary
  }

  private async indexCandidates(
    files: FileCandidate[],
    known: Map<string, FileState>,
    summary: ScanSummary,
  ): Promise<void> {
    const pass = this.startPass(known, summary, undefined, false)
    try {
      await pass.add(files)
    } catch (err) {
      await pass.abandon()
      throw err
    }
    await pass.finish()
  }

  /**
   * A pass over candidate files: `add` them as they come (skipping those with the same size and
   * mtime as indexed, without a read: the fast path), in batches of ≤BATCH_FILES / BATCH_BYTES,
   * prepared (read, chunk) in the prepare worker while the store writes the batches before. `add`
   * waits while the budget pauses indexing or `indexConcurrency` batches are in flight; `finish`
   * writes the rest and waits for it, `abandon` (after an error) only waits for what is in flight.
   *
   * A pass of more than one batch (a first index, a branch switch) is a bulk pass: it ends with its
   * term-statistics recount, and the embedding queue waits for it (bulkPass). Files arrive while
   * the walk goes on, so whether a pass is bulk is known at its second batch: until then the first
   * batch's "new chunks" signal is held back, so the embedding queue never starts inside a bulk pass.
   */
  private startPass(
    known: Map<string, FileState>,
    summary: ScanSummary,
    signal: AbortSignal | undefined,
    force: boolean,
  ): { add(files: FileCandidate[]): Promise<void>; finish(): Promise<void>; abandon(): Promise<void> } {
    let cur: PrepareCandidate[] = []
    let bytes = 0
    let total = 0
    let done = 0
    let dispatched = 0
    let heldSignal = false
    let endBulk: (() => void) | null = null
    let failed: Error | null = null
    const inFlight = new Set<Promise<void>>()
    // Each worker is handed one request at a time, and each request waits while indexing is
    // paused: a pause stops both workers once they finish what they are on, however many batches
    // are in flight. The batches in flight are the prepare worker's lead on the store, which lets
    // it keep preparing while the store stalls on a GIN pending-list merge or a checkpoint
    // (≈1–1.7 s at 10k files; docs/BENCHMARKS.md, Index).
    let prepTail: Promise<unknown> = Promise.resolve()
    let writeTail: Promise<unknown> = Promise.resolve()
    const indexed = (): void => {
      if (dispatched === 1 && !endBulk) heldSignal = true
      else this.onIndexed()
    }
    const releaseSignal = (): void => {
      if (heldSignal) this.onIndexed()
      heldSignal = false
    }
    const dispatch = async (): Promise<void> => {
      const batch = cur
      cur = []
      bytes = 0
      if (batch.length === 0) return
      signal?.throwIfAborted()
      await this.whileRunnable()
      while (inFlight.size >= Math.max(1, this.budget.indexConcurrency)) await Promise.race(inFlight)
      if (failed) throw failed
      if (++dispatched === 2) {
        this.bulk = new Promise<void>((resolve) => {
          endBulk = resolve
        })
        releaseSignal()
      }
      const prepared = prepTail.then(async () => {
        await this.whileRunnable()
        return this.store.call('prepareFiles', { root: this.root, files: batch, force })
      })
      prepTail = prepared.catch(() => undefined)
      const written = Promise.all([prepared, writeTail]).then(async ([batchPrepared]) => {
        await this.whileRunnable()
        return this.store.call('writePrepared', batchPrepared)
      })
      writeTail = written.catch(() => undefined)
      const p = written.then((r) => {
        merge(summary, r)
        done += batch.length
        this.onProgress({ phase: 'indexing', done, total, chunksAdded: summary.chunks })
        if (r.chunks > 0) indexed()
      })
      // A failed batch fails the pass: the next add, or finish, throws it.
      const tracked: Promise<void> = p
        .catch((err: unknown) => {
          failed ??= err instanceof Error ? err : new Error(describeError(err))
        })
        .finally(() => inFlight.delete(tracked))
      inFlight.add(tracked)
    }
    const settle = async (): Promise<void> => {
      await Promise.all(inFlight)
      releaseSignal()
    }
    const endPass = (): void => {
      const end = endBulk
      if (!end) return
      this.bulk = null
      end()
    }
    return {
      add: async (files) => {
        for (const f of files) {
          const prev = known.get(f.path)
          if (!force && prev && prev.size === f.size && prev.mtimeMs === f.mtimeMs) {
            summary.unchanged++
            continue
          }
          total++
          if (cur.length >= BATCH_FILES || (bytes + f.size > BATCH_BYTES && cur.length > 0)) await dispatch()
          cur.push(prev ? { ...f, prev } : f)
          bytes += Math.min(f.size, BATCH_BYTES)
        }
      },
      finish: async () => {
        try {
          try {
            await dispatch()
          } finally {
            await settle()
          }
          if (failed) throw failed
          // A bulk pass's recount runs before the embedding queue (held meanwhile) takes the
          // store: the recount's steps would otherwise queue behind its writes.
          if (endBulk) await this.refreshTermStats()
        } finally {
          endPass()
        }
      },
      abandon: async () => {
        await settle()
        endPass()
      },
    }
  }

  /**
   * Watcher changes. Returns when they (and any merged in meanwhile) are in the store. A changed
   * `.gitignore` or `.hearthignore` re-evaluates the whole tree: files can appear or disappear from the index.
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
    this.applied = true
    while (this.pendingChanges.size > 0 && !this.disposed) {
      await this.whileRunnable()
      const changes = [...this.pendingChanges]
      this.pendingChanges.clear()
      const ignoreFiles = changes.filter(([p]) => IgnoreRules.isIgnoreFile(p))
      if (ignoreFiles.length > 0) {
        // Also asks git again, in the background: this scan keeps its last answer, and
        // rescanForRules runs another if the new one differs.
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
      const root = await realRoot(this.root)
      const walkOptions = { includeSecretFiles: this.includeSecretFiles() }
      const deleteBelow = (path: string): void => {
        // A deleted folder (or one now a link out) arrives as one event: what is below it goes too.
        const prefix = `${path}/`
        for (const k of known) if (k.startsWith(prefix)) toDelete.push(k)
      }
      for (const [path, kind] of changes) {
        if (kind === 'deleted') {
          toDelete.push(path)
          deleteBelow(path)
          continue
        }
        // The walk's rules: what it would skip (a link out of the workspace, a temp or secret file)
        // is not indexed, and leaves the index if it was there (a file replaced by such a link).
        const look = await lookUpPath(this.root, root, path, this.rules, walkOptions)
        if (look.kind === 'file') candidates.push(look.file)
        // A folder appeared (moved in, branch switch): rescan (unchanged files cost a stat).
        else if (look.kind === 'dir') rescan = true
        else {
          if (known.has(path)) toDelete.push(path)
          if (look.below) deleteBelow(path)
        }
      }
      if (toDelete.length > 0) await this.store.call('deleteFiles', { paths: [...new Set(toDelete)] })
      if (candidates.length > 0) {
        this.options.onAdmitted?.(candidates.map((c) => c.path))
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
    this.unsubscribeRules()
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
