import type { IndexStatus } from '@shared/contract/search'
import { SkippedList } from './skippedSummary'
import type { EmbeddingPrefetchTarget } from '../resources/prefetchTargets'
import { HearthError } from '@shared/errors'
import type { ContextQuery, ContextSource, Snippet } from '../inference/contextSource'
import { firstLines, lastLines } from '../text/textLines'
import type { EventBus } from '../base/eventBus'
import type { BudgetConsumer, Budgets } from '../resources/budgets'
import { FULL_SPEED } from '../resources/budgets'
import type { ChangeSource } from '../files/watchTypes'
import type { IgnoreRules } from '../files/ignoreRules'
import type { Embedder } from '../inference/embedder'
import type { EmbedderSource } from '../inference/embedderSource'
import { createEmbedder, DEFAULT_EMBEDDER } from '../inference/createEmbedder'
import type { SearchOptions, SearchResponse } from './hybridSearch'
import { indexDirFor, indexDiskUsage } from './indexLocation'
import { formatBytes } from './store/diskSpace'
import { describeError, storeReasonOf } from './store/storeErrors'
import type { SymbolHit } from './store/protocol'
import { RETRY_MS, StoreRetry } from './storeRetry'
import type { IndexProgress } from './indexer'
import { WorkspaceIndex } from './workspaceIndex'
import { identifierTokens } from '../text/identifiers'
import type { Disposable } from '../base/lifecycle'

/** What the index needs from the workspace service (narrow on purpose). */
export interface IndexedWorkspace {
  onDidOpen(cb: (info: { root: string }) => void): () => void
  onDidClose?(cb: (root: string) => void): () => void
  readonly rules: IgnoreRules | null
  readonly watcher: ChangeSource | null
}

export interface IndexServiceOptions {
  events: EventBus
  workspace: IndexedWorkspace
  /** Per-user state directory; indexes live in `<dataDir>/indexes/<hash>`. */
  dataDir: string
  /**
   * A fixed embedder by name (see createEmbedder), or a source that moves (the app: the model
   * router's embedding task, so the index follows fallback, recovery and profile switches).
   * Default: the built-in embedder.
   */
  embedder?: string | EmbedderSource
  /** How long a new route must hold before the index switches embedders (ms). Default 3000. */
  embedderSettleMs?: number
  /**
   * How long the index waits before trying again when its disk could not take a write (full,
   * read-only), in ms; a file change tries at once. Default a minute.
   */
  retryMs?: number
  /** The user's index.includeSecretFiles, read at each scan and change (default: left out). */
  includeSecretFiles?: () => boolean
  /**
   * Started once an index is open here (its lock held) and disposed before it closes: the socket
   * that answers `hearth search` on this index (index/cliSocket), so the CLI asks this process
   * instead of failing on the lock.
   */
  whileOpen?: (dbDir: string) => Disposable
}

const STATUS_EVERY_MS = 250

/**
 * The index for the app: opens the workspace's index when a folder opens, brings it up to date,
 * follows the watcher, reports status (files, chunks, embedding backlog, paused/why) as
 * `index.status` events, and serves search and completion context.
 */
export class IndexService implements Disposable, BudgetConsumer, ContextSource, EmbeddingPrefetchTarget {
  readonly name = 'index'
  private current: WorkspaceIndex | null = null
  /** What `whileOpen` started for `current`. */
  private serving: Disposable | null = null
  private opening: Promise<void> = Promise.resolve()
  private unsubscribe: (() => void)[] = []
  private budgets: Budgets = FULL_SPEED
  private status: IndexStatus = {
    state: 'off',
    files: 0,
    chunks: 0,
    embedBacklog: 0,
    embedder: null,
    embedState: 'none',
    paused: false,
  }
  private statusTimer: NodeJS.Timeout | null = null
  /** What the open index's scans leave out, behind `status.skipped`. */
  private readonly skipped = new SkippedList()
  private disposed = false
  private readonly offOpen: () => void
  private readonly offClose: (() => void) | undefined
  private readonly offEmbedder: (() => void) | undefined
  private settleTimer: NodeJS.Timeout | null = null
  private following: Promise<void> = Promise.resolve()
  /** The open workspace's root (for a retry or a rebuild from nothing). */
  private root: string | null = null
  /** The next attempt after the disk refused a write or damage started the index anew. */
  private readonly retry: StoreRetry

  constructor(private readonly opts: IndexServiceOptions) {
    this.retry = new StoreRetry(opts.retryMs ?? RETRY_MS, () => this.tryAgain())
    const source = opts.embedder
    if (typeof source === 'object') this.offEmbedder = source.onChange(() => this.embedderMayHaveChanged())
    this.offOpen = opts.workspace.onDidOpen((info) => {
      this.opening = this.opening.then(() => this.openRoot(info.root)).catch(() => undefined)
    })
    this.offClose = opts.workspace.onDidClose?.(() => {
      this.opening = this.opening.then(() => this.closeCurrent()).catch(() => undefined)
    })
  }

  /** Resolves when the current open (and its first scan) has finished. Tests and the CLI use it. */
  async ready(): Promise<void> {
    await this.opening
    await this.current?.indexer.idle()
  }

  /** The embedder a newly opened index starts with. */
  private initialEmbedder(): Embedder | null {
    const e = this.opts.embedder
    if (typeof e === 'object') return e.current()
    return createEmbedder(e ?? DEFAULT_EMBEDDER)
  }

  /**
   * The route changed. A backend that blinks must not make working vectors flip back and forth,
   * so the index switches once the route has not changed for a settle delay. (Flipping is cheap
   * anyway: vectors are cached per embedder, so going back restores them, no re-embedding.)
   */
  private embedderMayHaveChanged(): void {
    if (this.disposed) return
    // Each change restarts the wait: the switch happens once the route has held still.
    if (this.settleTimer) clearTimeout(this.settleTimer)
    // Vectors that do not work (the embedder never attached — e.g. at start, before the first
    // health checks said Ollama is not there — or failed since) have nothing to protect: at once.
    const ms = this.current?.vectorsWorking === false ? 0 : (this.opts.embedderSettleMs ?? 3000)
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null
      // Not behind `opening`: a first scan of a large tree must not hold the switch back.
      this.following = this.following.then(() => this.followEmbedder()).catch(() => undefined)
    }, ms)
  }

  private async followEmbedder(): Promise<void> {
    const source = this.opts.embedder
    const idx = this.current
    if (typeof source !== 'object' || !idx || this.disposed) return
    const next = source.current()
    if (!next || next.id === idx.embedder?.id) return
    await idx.switchEmbedder(next)
    if (this.current !== idx || !idx.store.alive) return
    // The backlog changed with the embedder: report both in one update. (Patching the name first
    // would let `index.status` show the new embedder with the old, finished backlog meanwhile.)
    try {
      const st = await idx.stats()
      if (this.current !== idx) return
      this.setStatus({ embedder: next.id, files: st.files, chunks: st.chunks, embedBacklog: st.pending })
    } catch {
      // store closing; the next open reports afresh
    }
  }

  private async openRoot(root: string, fresh = false): Promise<void> {
    await this.closeCurrent()
    if (this.disposed) return
    this.root = root
    const rules = this.opts.workspace.rules ?? undefined
    // Another folder's list says nothing about this one: unknown until its first walk ends.
    this.skipped.replace([])
    const { skipped: _, ...unknown } = this.status
    this.status = unknown
    this.setStatus({
      state: 'opening',
      files: 0,
      chunks: 0,
      embedBacklog: 0,
      embedState: 'none',
      paused: false,
    })
    let idx: WorkspaceIndex
    try {
      idx = await WorkspaceIndex.open({
        root,
        dbDir: indexDirFor(root, this.opts.dataDir),
        fresh,
        embedder: this.initialEmbedder(),
        attachInBackground: typeof this.opts.embedder === 'object',
        ...(rules ? { rules } : {}),
        ...(this.opts.includeSecretFiles ? { includeSecretFiles: this.opts.includeSecretFiles } : {}),
        onProgress: (p) => this.onProgress(p),
        onSkipped: (list) => this.setStatus({ skipped: this.skipped.replace(list) }),
        onAdmitted: (paths) => {
          const left = this.skipped.admit(paths)
          if (left) this.setStatus({ skipped: left })
        },
        onEmbedState: (s) => {
          this.patch({ embedState: s.status, ...(s.reason ? { reason: s.reason } : {}) })
          this.scheduleRefresh()
        },
      })
    } catch (err) {
      if (!this.retryLater(err)) this.setStatus({ state: 'error', reason: describeError(err) })
      return
    }
    if (this.disposed) {
      await idx.close()
      return
    }
    this.current = idx
    this.serving = this.opts.whileOpen?.(indexDirFor(root, this.opts.dataDir)) ?? null
    idx.setBudgets(this.budgets)
    // The route may have moved while the index opened (the router's first health checks).
    if (typeof this.opts.embedder === 'object') this.embedderMayHaveChanged()
    const watcher = this.opts.workspace.watcher
    if (watcher) {
      this.unsubscribe.push(
        watcher.onChanges((batch) => {
          // Waiting for the disk: a change is the moment to try the whole tree again.
          this.retry.nowIfWaiting()
          idx.applyChanges(batch).then(
            () => this.scheduleRefresh(),
            (err: unknown) => {
              if (!this.retryLater(err)) this.setStatus({ state: 'error', reason: describeError(err) })
            },
          )
        }),
      )
    }
    this.setStatus({ embedder: idx.embedder?.id ?? null, embedState: idx.embedder ? 'idle' : 'none' })
    const { rebuilt } = idx.store.opened
    if (rebuilt) {
      const kept = indexDiskUsage(indexDirFor(root, this.opts.dataDir)).setAside
      const copies = kept.map((c) => `; the damaged copy (${formatBytes(c.bytes)}) is kept at ${c.path}`)
      this.patch({
        reason: `index was damaged or unreadable and has been rebuilt (${rebuilt.reason})${copies.join('')}`,
      })
    }
    await this.scan(idx)
  }

  /** A full scan of the open index; a disk that cannot take it is tried again later (retryLater). */
  private async scan(idx: WorkspaceIndex, force = false): Promise<void> {
    try {
      // The scan reports what it leaves out as it goes (onSkipped, onAdmitted above).
      await idx.fullScan(undefined, force)
    } catch (err) {
      if (!this.retryLater(err)) this.setStatus({ state: 'error', reason: describeError(err) })
      return
    }
    const shown = this.retry.succeeded()
    if (shown !== null && this.status.reason === shown) {
      const { reason: _, ...rest } = this.status
      this.status = rest
    }
    await this.refresh()
  }

  /**
   * A failure of the index's disk, or damage that started it anew: shown, and tried again
   * (StoreRetry). False for any other failure.
   */
  private retryLater(err: unknown): boolean {
    const reason = this.disposed ? null : this.retry.schedule(err)
    if (reason === null) return false
    this.setStatus({ state: 'error', reason })
    // Not open (the open itself failed): a file change tries again too.
    const watcher = this.opts.workspace.watcher
    if (!this.current && watcher) {
      const off = watcher.onChanges(() => {
        off()
        this.retry.nowIfWaiting()
      })
      this.unsubscribe.push(off)
    }
    return true
  }

  private tryAgain(): void {
    const root = this.root
    if (this.disposed || !root) return
    this.opening = this.opening
      .then(() => {
        const idx = this.current
        return idx ? this.scan(idx) : this.openRoot(root)
      })
      .catch(() => undefined)
  }

  private async closeCurrent(): Promise<void> {
    this.retry.cancel()
    for (const u of this.unsubscribe.splice(0)) u()
    const idx = this.current
    this.current = null
    const serving = this.serving
    this.serving = null
    await serving?.dispose()
    if (idx) await idx.close()
    this.setStatus({ state: 'off', files: 0, chunks: 0, embedBacklog: 0, embedder: null, embedState: 'none' })
  }

  private onProgress(p: IndexProgress): void {
    if (p.phase === 'idle') {
      delete this.status.progress
      if (this.status.state !== 'ready') this.setStatus({ state: 'ready' })
      this.scheduleRefresh()
      return
    }
    const progress = { done: p.done, total: p.total }
    // A change of phase is news at once; progress within a phase rides on the throttled refresh.
    if (this.status.state !== p.phase) this.setStatus({ state: p.phase, progress })
    else this.patch({ progress })
    this.scheduleRefresh()
  }

  /** Throttled: counts come from the store, a round trip per refresh. */
  private scheduleRefresh(): void {
    if (this.statusTimer || this.disposed) return
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null
      void this.refresh()
    }, STATUS_EVERY_MS)
  }

  private async refresh(): Promise<void> {
    const idx = this.current
    if (!idx?.store.alive) return
    try {
      const st = await idx.stats()
      this.setStatus({ files: st.files, chunks: st.chunks, embedBacklog: idx.embedder ? st.pending : 0 })
    } catch {
      // store closing; the next status comes from the next open
    }
  }

  private patch(p: Partial<IndexStatus>): void {
    this.status = { ...this.status, ...p }
  }

  private setStatus(p: Partial<IndexStatus>): void {
    this.patch(p)
    if (!this.disposed) this.opts.events.emit('index.status', this.status)
  }

  getStatus(): IndexStatus {
    return this.status
  }

  setBudgets(b: Budgets): void {
    this.budgets = b
    this.current?.setBudgets(b)
    const paused = b.background.paused
    this.setStatus(paused ? { paused, reason: b.background.reason } : { paused })
  }

  /** A file the user opened gets its vectors before the rest of the backlog. */
  prioritizeEmbedding(path: string): void {
    this.current?.queue?.prioritize(path)
  }

  async search(
    args: { query: string } & Partial<SearchOptions>,
    signal?: AbortSignal,
  ): Promise<SearchResponse> {
    const idx = this.current
    if (!idx) {
      if (this.status.state === 'error')
        throw new HearthError('unavailable', `index unavailable: ${this.status.reason ?? 'error'}`)
      throw new HearthError('unavailable', 'no folder is open')
    }
    const { query, ...opts } = args
    try {
      return await idx.search(query, opts, signal)
    } catch (err) {
      // Damage a search ran into that could not be mended in place: the store started anew; index
      // the files again, and say so instead of a stack trace.
      if (storeReasonOf(err) !== 'index_damaged' || !this.retryLater(err)) throw err
      throw new HearthError('unavailable', describeError(err), { reason: 'index_damaged' })
    }
  }

  /** Declared names by prefix with the chunk declaring each (the chat's @symbol picker); none without an index. */
  async symbols(prefix: string, limit: number): Promise<SymbolHit[]> {
    const idx = this.current
    if (!idx) return []
    return idx.symbolsByPrefix(prefix, limit)
  }

  /**
   * The files the index holds (workspace-relative), for literal search: null while it cannot say
   * (no index, opening, the first scan of a folder still listing it, an error).
   */
  async indexedPaths(): Promise<string[] | null> {
    const idx = this.current
    if (!idx?.store.alive || (this.status.state !== 'ready' && this.status.state !== 'indexing')) return null
    try {
      return (await idx.store.call('fileStates', {})).map((f) => f.path)
    } catch {
      return null // closing: literal search walks the folder instead
    }
  }

  /** Re-walks the workspace; `force`: from nothing (a new empty database, every file again). */
  rebuild(force: boolean): boolean {
    const idx = this.current
    const root = this.root
    if (!idx || !root) return false
    if (force) this.opening = this.opening.then(() => this.openRoot(root, true)).catch(() => undefined)
    else void this.scan(idx)
    return true
  }

  /**
   * Completion context: definitions (from other files) of the identifiers used just before and
   * after the cursor, nearest first.
   */
  async snippets(query: ContextQuery, signal: AbortSignal): Promise<Snippet[]> {
    const idx = this.current
    if (!idx) return []
    const before = lastLines(query.prefix, 30)
    const after = firstLines(query.suffix, 10)
    const names = [...identifierTokens(before).reverse(), ...identifierTokens(after)].filter(
      (n) => n.length > 2 && /[A-Za-z]/.test(n),
    )
    const found = await idx.symbolSnippets([...new Set(names)].slice(0, 40), query.path, 3)
    signal.throwIfAborted()
    return found.map((s) => ({
      path: s.path,
      text: s.content.length > 1500 ? s.content.slice(0, 1500) : s.content,
      kind: 'definition' as const,
      startLine: s.startLine,
    }))
  }

  async dispose(): Promise<void> {
    this.disposed = true
    this.offOpen()
    this.offClose?.()
    this.offEmbedder?.()
    if (this.statusTimer) clearTimeout(this.statusTimer)
    if (this.settleTimer) clearTimeout(this.settleTimer)
    // The index closes before `opening` is awaited: a scan that indexing's pause holds (and the
    // resource controller lets go of this service first, so the pause never lifts) would keep
    // `opening` waiting for ever. Closing the index ends its scan; an index still opening is
    // closed by openRoot itself once it sees `disposed`.
    await this.closeCurrent()
    await this.opening.catch(() => undefined)
    await this.following
    await this.closeCurrent()
  }
}
