import type { Embedder } from '../inference/embedder'
import type { BudgetConsumer, Budgets } from '../resources/budgets'
import type { FileChangeEvent } from '../files/watchTypes'
import { IgnoreRules } from '../files/ignoreRules'
import { embedderForId } from '../inference/createEmbedder'
import { EmbedQueue, type EmbedQueueState } from './embedQueue'
import { search, type SearchOptions, type SearchResponse, type VectorSide } from './hybridSearch'
import { Indexer, type IndexerOptions, type IndexProgress, type ScanSummary } from './indexer'
import { IndexStore } from './store/indexStore'
import { recordIndexUse } from './indexMeta'
import type { OpArgs, StoreStats, SymbolHit, SymbolSnippet } from './store/protocol'
import { describeError } from './store/storeErrors'

export interface WorkspaceIndexOptions {
  root: string
  /** Data directory of this workspace's index; null keeps it in memory (tests). */
  dbDir: string | null
  /** null: full-text only; 'stored': whichever embedder built this index (for searching it). */
  embedder: Embedder | null | 'stored'
  /** Search only: the embedding backlog is left alone. */
  readOnly?: boolean
  /**
   * false: the vector database is not opened and there is no embedder (`hearth search --mode
   * fts`: a second PGlite start saved). Only with readOnly.
   */
  vectors?: boolean
  /**
   * Start the full-text database from nothing, whatever is there (`hearth index --force`): a
   * rebuild must not reuse a damaged database. Vectors, keyed by chunk text, are kept.
   */
  fresh?: boolean
  /**
   * The process ends after this one command (`hearth index`, a `hearth search` no running Hearth
   * answers): the database keeps a small cache it does not warm (IndexStore.open). Default false.
   */
  oneCommand?: boolean
  /**
   * Learn a remote embedder's dimension in the background instead of before `open` returns (the
   * app: full-text indexing must not wait on a slow or dead server). Default false (the CLI).
   */
  attachInBackground?: boolean
  rules?: IgnoreRules
  /** The user's index.includeSecretFiles, read at each scan and change (default: left out). */
  includeSecretFiles?: () => boolean
  onProgress?: (p: IndexProgress) => void
  /** What each full scan leaves out, and the files taken in since (IndexerOptions). */
  onSkipped?: IndexerOptions['onSkipped']
  onAdmitted?: IndexerOptions['onAdmitted']
  onEmbedState?: (s: EmbedQueueState) => void
}

/**
 * One workspace's index: the store (worker + lock), the indexer that keeps it equal to the files,
 * the embedding queue behind it, and search over it. The CLI, the benchmarks and IndexService
 * (the app) all drive this one class.
 */
/** The embedder that built an index (by its stored id), when this version can load it. */
function storedEmbedder(id: string | null): Embedder | null {
  return id ? embedderForId(id) : null
}

export class WorkspaceIndex implements BudgetConsumer {
  readonly indexer: Indexer
  private _embedder: Embedder | null
  private _queue: EmbedQueue | null
  private vectorReason: string | undefined
  private readonly readOnly: boolean
  private budgets: Budgets | undefined
  /** Aborts the dimension probe of the embedder being attached (a switch or close ends it). */
  private attachAc = new AbortController()
  /** Switches run one after another. */
  private switching: Promise<void> = Promise.resolve()
  private _attached = false

  private constructor(
    readonly root: string,
    readonly store: IndexStore,
    embedder: Embedder | null,
    rules: IgnoreRules,
    private readonly opts: WorkspaceIndexOptions,
  ) {
    this.readOnly = opts.readOnly ?? false
    this._embedder = embedder
    this._queue = this.newQueue(embedder)
    this.indexer = new Indexer(root, store, rules, opts.onProgress, () => this._queue?.kick(), {
      ...(opts.includeSecretFiles ? { includeSecretFiles: opts.includeSecretFiles } : {}),
      ...(opts.onSkipped ? { onSkipped: opts.onSkipped } : {}),
      ...(opts.onAdmitted ? { onAdmitted: opts.onAdmitted } : {}),
    })
  }

  /** The embedder whose vectors this index holds (or is filling in). */
  get embedder(): Embedder | null {
    return this._embedder
  }

  get queue(): EmbedQueue | null {
    return this._queue
  }

  /** The store holds (or is filling in) vectors of the current embedder and it has not failed since. */
  get vectorsWorking(): boolean {
    return this._attached && !this.vectorReason
  }

  private newQueue(embedder: Embedder | null): EmbedQueue | null {
    if (!embedder || this.readOnly) return null
    const q = new EmbedQueue(
      this.store,
      embedder,
      (s) => this.onEmbedState(s, this.opts),
      () => this.indexer.bulkPass,
    )
    if (this.budgets) q.setBudgets(this.budgets)
    return q
  }

  static async open(opts: WorkspaceIndexOptions): Promise<WorkspaceIndex> {
    const vectors = opts.vectors !== false || !opts.readOnly
    const store = await IndexStore.open(opts.dbDir, {
      fresh: opts.fresh ?? false,
      oneCommand: opts.oneCommand ?? false,
      vectors,
    })
    try {
      // Its folder and "last used" for `hearth indexes` and the removal of unused indexes.
      if (opts.dbDir) await recordIndexUse(opts.dbDir, opts.root)
      const stored = store.opened.stats.embedder
      const embedder = !vectors ? null : opts.embedder === 'stored' ? storedEmbedder(stored) : opts.embedder
      const idx = new WorkspaceIndex(
        opts.root,
        store,
        embedder,
        opts.rules ?? new IgnoreRules(opts.root),
        opts,
      )
      if (opts.attachInBackground) void idx.attachWithRetry(idx.attachAc.signal)
      else await idx.attachEmbedder(idx.attachAc.signal)
      return idx
    } catch (err) {
      await store.close()
      throw err
    }
  }

  /**
   * attachEmbedder that never rejects; a server that does not answer yet is asked again
   * (5 s, 10 s, … up to a minute apart) until it does or the embedder is switched or closed — the
   * route may stay on it (a single failed probe does not open the router's breaker).
   */
  private attachWithRetry(signal: AbortSignal, attempt = 0): Promise<void> {
    const retry = (): void => {
      if (signal.aborted || this._attached || !this._embedder) return
      const onAbort = (): void => clearTimeout(t)
      const t = setTimeout(
        () => {
          signal.removeEventListener('abort', onAbort)
          void this.attachWithRetry(signal, attempt + 1)
        },
        Math.min(60_000, 5000 * 2 ** attempt),
      )
      t.unref()
      signal.addEventListener('abort', onAbort, { once: true })
    }
    return this.attachEmbedder(signal).then(
      () => {
        if (this.vectorReason) retry()
      },
      (err: unknown) => {
        // The store went away (closing) or refused: say so, and try again while it lives.
        if (signal.aborted) return
        this.vectorReason = `cannot attach embedder: ${describeError(err)}`
        if (this.store.alive) retry()
      },
    )
  }

  /** Learns the embedder's dimension (remote ones report it on first use) and points the store at it. */
  private async attachEmbedder(signal: AbortSignal): Promise<void> {
    const e = this._embedder
    if (!e) {
      const stored = this.store.opened.stats.embedder
      this.vectorReason = stored
        ? `this index's vectors come from "${stored}", which this version cannot load (run \`hearth index\` again)`
        : 'the index has no embeddings'
      return
    }
    let dims = e.dimensions
    const stored = this.store.opened.stats
    // Searching an index: its vectors say the dimension; no need to wake a remote model for it.
    if (dims === null && this.readOnly && stored.embedder === e.id) dims = stored.dimensions
    if (dims === null) {
      try {
        const [probe] = await e.embed(['hearth'], signal)
        dims = probe?.length ?? null
      } catch (err) {
        if (signal.aborted) return
        this.vectorReason = `embedder ${e.id} unreachable (${describeError(err)})`
        this.opts.onEmbedState?.({ status: 'unavailable', reason: this.vectorReason, embedded: 0 })
        return
      }
    }
    if (!dims || signal.aborted || !this.store.alive) return
    await this.store.call('setEmbedder', { id: e.id, dimensions: dims })
    if (signal.aborted) return
    this._attached = true
    this.vectorReason = undefined
    // Clears an 'unavailable' left by an earlier embedder; the queue reports from here on.
    this.opts.onEmbedState?.({ status: 'idle', embedded: 0 })
    this._queue?.start()
  }

  /**
   * Moves the index to another embedder (the router fell back, recovered, or the profile
   * changed): stops the current queue and waits until it can write nothing more, then points the
   * store at the new embedder. The store restores vectors it has cached for that embedder and
   * queues the rest, so going back to an embedder used before costs little. Search uses the
   * vectors again as soon as they match the embedder; until then it says so and runs full-text.
   */
  switchEmbedder(next: Embedder): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.readOnly || next.id === this._embedder?.id) return
      this.attachAc.abort()
      this.attachAc = new AbortController()
      await this._queue?.stop()
      this._attached = false
      this._embedder = next
      this._queue = this.newQueue(next)
      this.vectorReason = undefined
      // The first attempt is awaited (callers report the new backlog after it); retries are not.
      if (this.store.alive) await this.attachWithRetry(this.attachAc.signal)
    }
    this.switching = this.switching.then(run, run)
    return this.switching
  }

  private onEmbedState(s: EmbedQueueState, opts: WorkspaceIndexOptions): void {
    this.vectorReason = s.status === 'unavailable' ? s.reason : undefined
    opts.onEmbedState?.(s)
  }

  setBudgets(b: Budgets): void {
    this.budgets = b
    this.indexer.setBudgets(b)
    this._queue?.setBudgets(b)
  }

  async fullScan(signal?: AbortSignal, force = false): Promise<ScanSummary> {
    const summary = await this.indexer.fullScan(signal, force)
    // The file count `hearth indexes list` shows, without opening the databases.
    if (this.opts.dbDir)
      await recordIndexUse(this.opts.dbDir, this.root, (await this.stats()).files).catch(() => undefined)
    return summary
  }

  applyChanges(batch: FileChangeEvent[]): Promise<void> {
    return this.indexer.applyChanges(batch)
  }

  /** Waits for the embedding backlog to empty (or the embedder to give up); null without one. */
  async waitForEmbeddings(): Promise<EmbedQueueState | null> {
    if (!this._queue) return null
    if (this.vectorReason && !(await this.stats()).embedder)
      return { status: 'unavailable', reason: this.vectorReason, embedded: 0 }
    return this._queue.drain()
  }

  stats(): Promise<StoreStats> {
    return this.store.call('stats', {})
  }

  async search(
    query: string,
    options: Partial<SearchOptions> = {},
    signal?: AbortSignal,
  ): Promise<SearchResponse> {
    let vectors: VectorSide | null = null
    const embedder = this._embedder
    if (embedder) {
      const st = await this.stats()
      // While the vector index is built (in steps, up to a minute at 100k chunks) its rows not
      // indexed yet are scanned exactly, slow at that size: full text answers now, and says why.
      const ready =
        st.embedder === embedder.id && st.chunks > st.pending && !this.vectorReason && !st.vectorIndexBuilding
      vectors = { embedder, ready }
      if (!ready)
        vectors.reason =
          this.vectorReason ??
          (st.vectorIndexBuilding
            ? 'the vector index is being built'
            : st.embedder === embedder.id
              ? 'no embeddings yet'
              : st.embedder
                ? `vectors are being rebuilt for ${embedder.id}`
                : `embedder ${embedder.id} not attached`)
    }
    const backend = {
      searchFts: (a: OpArgs<'searchFts'>) => this.store.call('searchFts', a),
      searchVector: (a: OpArgs<'searchVector'>) => this.store.call('searchVector', a),
      nearestHashes: (a: OpArgs<'vecNearest'>) => this.store.call('vecNearest', a),
      chunkTexts: (a: OpArgs<'chunkTexts'>) => this.store.call('chunkTexts', a),
    }
    return search(backend, vectors, query, options, signal, this.vectorReason)
  }

  symbolSnippets(names: string[], excludePath: string | undefined, limit: number): Promise<SymbolSnippet[]> {
    return this.store.call('symbolSnippets', { names, excludePath, limit })
  }

  /** Declared names by prefix, each with its chunk (the chat's @symbol picker). */
  symbolsByPrefix(prefix: string, limit: number): Promise<SymbolHit[]> {
    return this.store.call('symbolsByPrefix', { prefix, limit })
  }

  async close(): Promise<void> {
    this.attachAc.abort()
    await this._queue?.stop()
    this.indexer.dispose()
    await this.store.close()
  }
}
