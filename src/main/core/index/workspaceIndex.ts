import type { Embedder } from '../inference/embedder'
import type { BudgetConsumer, Budgets } from '../resources/budgets'
import type { FileChangeEvent } from '../watcher/types'
import { IgnoreRules } from '../workspace/ignoreRules'
import { embedderForId } from './embedders/createEmbedder'
import { EmbedQueue, type EmbedQueueState } from './embedQueue'
import { search, type SearchOptions, type SearchResponse, type VectorSide } from './hybridSearch'
import { Indexer, type IndexProgress, type ScanSummary } from './indexer'
import { IndexStore } from './store/indexStore'
import type { OpArgs, StoreStats, SymbolSnippet } from './store/protocol'

export interface WorkspaceIndexOptions {
  root: string
  /** Data directory of this workspace's index; null keeps it in memory (tests). */
  dbDir: string | null
  /** null: full-text only; 'stored': whichever embedder built this index (for searching it). */
  embedder: Embedder | null | 'stored'
  /** Search only: the embedding backlog is left alone. */
  readOnly?: boolean
  rules?: IgnoreRules
  onProgress?: (p: IndexProgress) => void
  onEmbedState?: (s: EmbedQueueState) => void
}

/**
 * One workspace's index: the store (worker + lock), the indexer that keeps it equal to the files,
 * the embedding queue behind it, and search over it. The CLI, the benchmarks and IndexService
 * (the app) all drive this one class.
 */
export class WorkspaceIndex implements BudgetConsumer {
  readonly indexer: Indexer
  readonly queue: EmbedQueue | null
  private vectorReason: string | undefined
  private readonly readOnly: boolean

  private constructor(
    readonly root: string,
    readonly store: IndexStore,
    readonly embedder: Embedder | null,
    rules: IgnoreRules,
    opts: WorkspaceIndexOptions,
  ) {
    this.readOnly = opts.readOnly ?? false
    this.queue =
      embedder && !opts.readOnly ? new EmbedQueue(store, embedder, (s) => this.onEmbedState(s, opts)) : null
    this.indexer = new Indexer(root, store, rules, opts.onProgress, () => this.queue?.kick())
  }

  static async open(opts: WorkspaceIndexOptions): Promise<WorkspaceIndex> {
    const store = await IndexStore.open(opts.dbDir)
    try {
      const stored = store.opened.stats.embedder
      const embedder = opts.embedder === 'stored' ? (stored ? embedderForId(stored) : null) : opts.embedder
      const idx = new WorkspaceIndex(
        opts.root,
        store,
        embedder,
        opts.rules ?? new IgnoreRules(opts.root),
        opts,
      )
      await idx.attachEmbedder()
      return idx
    } catch (err) {
      await store.close()
      throw err
    }
  }

  /** Learns the embedder's dimension (remote ones report it on first use) and points the store at it. */
  private async attachEmbedder(): Promise<void> {
    const e = this.embedder
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
        const [probe] = await e.embed(['hearth'])
        dims = probe?.length ?? null
      } catch (err) {
        this.vectorReason = `embedder ${e.id} unreachable (${err instanceof Error ? err.message : String(err)})`
        return
      }
    }
    if (!dims) return
    await this.store.call('setEmbedder', { id: e.id, dimensions: dims })
    this.queue?.start()
  }

  private onEmbedState(s: EmbedQueueState, opts: WorkspaceIndexOptions): void {
    this.vectorReason = s.status === 'unavailable' ? s.reason : undefined
    opts.onEmbedState?.(s)
  }

  setBudgets(b: Budgets): void {
    this.indexer.setBudgets(b)
    this.queue?.setBudgets(b)
  }

  fullScan(signal?: AbortSignal, force = false): Promise<ScanSummary> {
    return this.indexer.fullScan(signal, force)
  }

  applyChanges(batch: FileChangeEvent[]): Promise<void> {
    return this.indexer.applyChanges(batch)
  }

  /** Waits for the embedding backlog to empty (or the embedder to give up); null without one. */
  async waitForEmbeddings(): Promise<EmbedQueueState | null> {
    if (!this.queue) return null
    if (this.vectorReason && !(await this.stats()).embedder)
      return { status: 'unavailable', reason: this.vectorReason, embedded: 0 }
    return this.queue.drain()
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
    if (this.embedder) {
      const st = await this.stats()
      const ready = st.embedder === this.embedder.id && st.chunks > st.pending && !this.vectorReason
      vectors = { embedder: this.embedder, ready }
      if (!ready)
        vectors.reason =
          this.vectorReason ??
          (st.embedder ? 'no embeddings yet' : `embedder ${this.embedder.id} not attached`)
    }
    const backend = {
      searchFts: (a: OpArgs<'searchFts'>) => this.store.call('searchFts', a),
      searchVector: (a: OpArgs<'searchVector'>) => this.store.call('searchVector', a),
    }
    return search(backend, vectors, query, options, signal, this.vectorReason)
  }

  symbolSnippets(names: string[], excludePath: string | undefined, limit: number): Promise<SymbolSnippet[]> {
    return this.store.call('symbolSnippets', { names, excludePath, limit })
  }

  async close(): Promise<void> {
    this.queue?.stop()
    this.indexer.dispose()
    await this.store.close()
  }
}
