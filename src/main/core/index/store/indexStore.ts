import { ensurePrivateDirSync } from '../../files/dataDir'
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { HearthError } from '@shared/errors'
import { DataDirLock } from './dataDirLock'
import { isNewDataDir } from './pgTemplate'
import {
  type ArgsOf,
  INDEX_CALLS,
  type IndexApi,
  type OpArgs,
  type OpenResult,
  type OpenFlags,
  type OpResult,
  type PackedBatch,
  type PendingEmbed,
  type PrepareApi,
  type ResultOf,
  type StoreHit,
  type StoreOp,
  type StoreOwnCalls,
  type StoreStats,
  type VerifyResult,
} from './protocol'
import { asHearthError, StoreOpening } from './storeOpening'
import { WorkerClient } from './workerClient'

export { WorkerDied } from './workerClient'

/** The calls answered here rather than passed on to the worker as they are. */
type OwnOp =
  | keyof StoreOwnCalls
  | 'prepareFiles'
  | 'fileStates'
  | 'pendingEmbeds'
  | 'pendingEmbedsFor'
  | 'stats'
  | 'verify'
  | 'close'

/**
 * The main thread's handle on a workspace's index: owns the data-directory lock and the worker
 * thread that runs its one database (IndexDb: files, chunks, term statistics, the embedding
 * backlog, and the vectors with their IVFFlat index, VectorDb), and forwards calls to it. One
 * PGlite instance per index: a second one for the vectors cost ≈100 MB of resident memory and
 * ≈8 MB of disk that no setting moved (docs/BENCHMARKS.md "Footprint"). Given up with it: a
 * hybrid search's two halves side by side on two cores (no cost measurable above the noise). The
 * vector index is built in short steps (vectorSteps.ts), so searches are answered between them. The calls
 * made of several worker calls are answered here (the backlog, putEmbeddings, searchVector,
 * maintainVectorIndex, verify); the rest go to the worker as they are (protocol.ts). The CPU half
 * of indexing (read, hash, chunk: `prepareFiles`) goes to a second worker, so it overlaps the
 * store's writes.
 *
 * A vector is stored before the backlog records it (two transactions), so a crash in between
 * leaves a hash in the backlog that already has its vector; the next backlog read finds it there
 * (vecFromCache) instead of embedding it again. Whenever the embedder changes, the vector epoch
 * does and the backlog queues every chunk again (Backlog.sync).
 */
export class IndexStore {
  /** How long the prepare worker outlives its last batch (stopPrepWhenIdle; tests shorten it). */
  static prepIdleMs = 15_000
  private closed = false
  /** prepareFiles calls in flight, and the timer that stops the prepare worker once idle. */
  private prepBusy = 0
  private prepIdle: NodeJS.Timeout | null = null
  /**
   * A vector index build in flight: it holds the worker (every call waits for it), so stats are
   * answered from `lastStats` meanwhile and searches know not to ask for vectors.
   */
  private building = false
  private lastStats: StoreStats

  private constructor(
    private readonly conn: StoreOpening,
    private readonly lock: DataDirLock | null,
    readonly dataDir: string | null,
    private prep: WorkerClient<PrepareApi> | null,
  ) {
    this.lastStats = conn.opened.stats
  }

  /**
   * What opening the database found. For a new index opened in the background (StoreOpening),
   * what a new database holds until the open is done.
   */
  get opened(): OpenResult {
    return this.conn.opened
  }

  /** The store worker's api, once its database is open. */
  private readonly db = {
    call: async <K extends keyof IndexApi>(
      op: K,
      args: ArgsOf<IndexApi[K]>,
    ): Promise<ResultOf<IndexApi[K]>> => (await this.conn.worker()).call(op, args),
    send: async (op: string, args: unknown): Promise<unknown> => (await this.conn.worker()).send(op, args),
  }

  /**
   * Locks `dataDir` (null: in memory, no lock), starts the worker and opens the database. If the
   * worker itself dies while opening (a data directory bad enough to abort the engine), that
   * directory is set aside and opened fresh once; a second failure is reported, not retried. A
   * disk that cannot take writes fails the open with reason `disk_full` or `not_writable`, and
   * the directory is kept as it is. `fresh`: the full-text tables start empty, whatever is there
   * (a forced rebuild; the vectors, a cache keyed by chunk text, are kept). `oneCommand`: the
   * process exits after one command, so Postgres' cache stays small and is neither warmed nor
   * grown by a restart (CacheSizing.oneCommand). `vectors` is accepted for callers that only
   * search full text; the vectors are in the same database, so it changes nothing.
   *
   * An index made before the vectors joined the full-text database has a second database,
   * `vectors/`, beside `pg/`: it is deleted here (with its set-aside copies), and its vectors are
   * made again (derived data; reading them would start a second PGlite, the cost being removed).
   */
  static async open(
    dataDir: string | null,
    opts: OpenFlags & { vectors?: boolean } = {},
  ): Promise<IndexStore> {
    // An index holds the workspace's text: for its user only, wherever --db puts it.
    if (dataDir) ensurePrivateDirSync(dataDir)
    const lock = dataDir ? DataDirLock.acquire(dataDir) : null
    if (dataDir) removeOldVectorDatabase(dataDir)
    const isNew = dataDir !== null && isNewDataDir(join(dataDir, 'pg'))
    // A new index on disk is about to be filled: its first scan prepares every file. Start the
    // prepare worker now, while the database opens, not when the scan hands it its first batch
    // (its start took ≈0.7 s from source, ≈0.1 s built). Otherwise it starts on the first
    // prepareFiles, if any file changed at all.
    const prep =
      isNew || (dataDir && opts.fresh) ? WorkerClient.start('index prepare worker', 'prepare') : null
    const flags: OpenFlags = { fresh: opts.fresh ?? false, oneCommand: opts.oneCommand ?? false }
    // A new one opens while its first scan walks and chunks (StoreOpening).
    if (isNew) return new IndexStore(StoreOpening.background(dataDir, flags), lock, dataDir, prep)
    try {
      return new IndexStore(await StoreOpening.open(dataDir, flags), lock, dataDir, prep)
    } catch (err) {
      await prep?.terminate()
      lock?.release()
      throw asHearthError(err)
    }
  }

  /**
   * The calls answered here, keyed like the worker's api object: those made of several worker
   * calls or that need care. Every other call goes to the worker as it is (route).
   */
  private readonly own: { [K in OwnOp]: (a: OpArgs<K>) => Promise<OpResult<K>> } = {
    prepareFiles: (a) => this.prepareFiles(a),
    // A new index that is still opening has no files: the first scan walks meanwhile.
    fileStates: (a) => (this.conn.newUntilOpen ? Promise.resolve([]) : this.db.call('fileStates', a)),
    pendingEmbeds: (a) => this.unembedded(() => this.db.call('pendingEmbeds', a)),
    pendingEmbedsFor: (a) => this.unembedded(() => this.db.call('pendingEmbedsFor', a)),
    putEmbeddings: (a) => this.putEmbeddings(a),
    searchVector: (a) => this.searchVector(a),
    maintainVectorIndex: () => this.maintainVectorIndex(),
    stats: () => this.stats(),
    verify: () => this.verify(),
    close: () => this.closeDbs(),
  }

  call<K extends StoreOp>(op: K, args: OpArgs<K>): Promise<OpResult<K>> {
    if (this.closed && op !== 'close')
      return Promise.reject(new HearthError('unavailable', 'index store is closed'))
    return this.route(op, args) as Promise<OpResult<K>>
  }

  /** Answers a call here (own), or sends it to the worker. */
  private route(op: StoreOp, args: unknown): Promise<unknown> {
    if (Object.hasOwn(this.own, op)) return (this.own[op as OwnOp] as (a: unknown) => Promise<unknown>)(args)
    if (Object.hasOwn(INDEX_CALLS, op)) return this.db.send(op, args)
    return Promise.reject(new HearthError('internal', `index store: no call named '${String(op)}'`))
  }

  private async prepareFiles(a: OpArgs<'prepareFiles'>): Promise<PackedBatch> {
    if (this.prepIdle) clearTimeout(this.prepIdle)
    this.prepIdle = null
    const prep = (this.prep ??= WorkerClient.start('index prepare worker', 'prepare'))
    this.prepBusy++
    try {
      // If the helper died, the store worker can do the same work (slower, but it works).
      return await (prep.dead ? this.db.call('prepareFiles', a) : prep.call('prepareFiles', a))
    } finally {
      this.prepBusy--
      if (this.prepBusy === 0 && !this.closed) this.stopPrepWhenIdle(prep)
    }
  }

  /**
   * The prepare worker is only busy while files change (a scan, a save): once idle for
   * prepIdleMs it exits, returning its heap (tens of MB of an idle editor's memory), and the
   * next change starts a new one (≈0.1 s built, beside the batch's own work).
   */
  private stopPrepWhenIdle(prep: WorkerClient<PrepareApi>): void {
    this.prepIdle = setTimeout(() => {
      this.prepIdle = null
      if (this.prepBusy > 0 || this.prep !== prep) return
      this.prep = null
      void prep.terminate()
    }, IndexStore.prepIdleMs)
    this.prepIdle.unref()
  }

  /**
   * The next backlog texts (from `next`) that need the embedder: those that have a vector of
   * this embedder already (from an earlier embedding of the same text) are recorded and skipped.
   */
  private async unembedded(next: () => Promise<PendingEmbed[]>): Promise<PendingEmbed[]> {
    for (;;) {
      const batch = await next()
      if (batch.length === 0) return batch
      const have = new Set(await this.db.call('vecFromCache', { hashes: batch.map((b) => b.hash) }))
      if (have.size === 0) return batch
      await this.db.call('markEmbedded', { embedded: [...have], dropped: [] })
      const rest = batch.filter((b) => !have.has(b.hash))
      // Each round takes what it found out of the backlog, so this ends.
      if (rest.length > 0) return rest
    }
  }

  private async putEmbeddings(a: OpArgs<'putEmbeddings'>): Promise<number> {
    const stored = await this.db.call('vecPut', a)
    const ok = new Set(stored)
    // A vector the embedder got wrong (wrong length, NaN, all zeros) is dropped from the backlog, not
    // retried forever.
    const dropped = a.items.filter((i) => !ok.has(i.hash)).map((i) => i.hash)
    await this.db.call('markEmbedded', { embedded: stored, dropped })
    // The vector index is begun while the backlog lasts, a short step per stored batch (on the
    // worker, while this thread embeds the next), so later vectors go straight into it. Its lists
    // are learnt all at once (still one step per call: searches get in between), as every batch
    // stored meanwhile would go into the tail, to be moved into the index row by row.
    let step = await this.db.call('vecBacklogStep', {})
    while ((step === 'train' || step === 'create') && !this.closed)
      step = await this.db.call('vecBacklogStep', {})
    return stored.length
  }

  private async searchVector(a: OpArgs<'searchVector'>): Promise<StoreHit[]> {
    // Filters apply to chunks, after the nearest-neighbour cut: over-fetch when one is set.
    const k = Math.trunc(a.limit * (a.filter?.pathRegex || a.filter?.languages ? 8 : 1))
    const nn = await this.db.call('vecNearest', { vector: a.vector, k })
    if (nn.length === 0) return []
    const hits: OpArgs<'hitsByHash'> = {
      hashes: nn.map((n) => n.hash),
      distances: nn.map((n) => n.d),
      limit: a.limit,
    }
    if (a.filter) hits.filter = a.filter
    return this.db.call('hitsByHash', hits)
  }

  /**
   * Builds or grows the vector index when the vectors are complete and many
   * (VectorDb.maintainStep), one short step per worker call: searches queued meanwhile are
   * answered between steps (the worker takes a search's queries first). While it runs, stats say
   * so (`building`) and searches answer from full text (the index is not whole yet).
   */
  private async maintainVectorIndex(): Promise<OpResult<'maintainVectorIndex'>> {
    const st = await this.stats()
    if (!st.embedder || st.pending > 0 || !(await this.db.call('vecNeedsIndex', {})))
      return { built: false, ms: 0 }
    this.building = true
    let ms = 0
    try {
      for (;;) {
        const r = await this.db.call('vecMaintain', {})
        ms += r.ms
        // Closing stops between steps: what is done so far is consistent, the next open goes on.
        if (!r.more || this.closed) return { built: r.built, ms }
      }
    } finally {
      this.building = false
    }
  }

  /** The worker's stats; while a vector index build holds it, the last ones, saying so. */
  private async stats(): Promise<StoreStats> {
    if (this.building) return { ...this.lastStats, vectorIndexBuilding: true }
    this.lastStats = await this.db.call('stats', {})
    return this.lastStats
  }

  /** The database's checks, plus: every text it records as embedded has its vector. */
  private async verify(): Promise<VerifyResult> {
    const v = await this.db.call('verify', {})
    const linked = await this.db.call('linkedHashes', {})
    const missing = await this.db.call('vecMissing', { hashes: linked })
    return { ...v, vectorsMissing: v.vectorsMissing + missing }
  }

  private async closeDbs(): Promise<null> {
    await this.conn.close()
    return null
  }

  get alive(): boolean {
    return !this.conn.dead && !this.closed
  }

  async close(): Promise<void> {
    if (this.closed) return
    // The prepare worker holds no state, so it stops at once rather than after the databases: a
    // batch still in flight then fails as closed instead of answering into a closed index.
    if (this.prepIdle) clearTimeout(this.prepIdle)
    const stopping = this.prep?.terminate()
    try {
      await this.call('close', {})
    } finally {
      this.closed = true
      await stopping
      this.lock?.release()
    }
  }
}

/**
 * The second database of an index made before the vectors moved into the first (`vectors/`, its
 * set-aside and discarded copies, a making mark): deleted, never opened. Best effort: what cannot
 * be deleted now is tried again at the next open, and costs only disk.
 */
function removeOldVectorDatabase(dataDir: string): void {
  let names: string[]
  try {
    names = readdirSync(dataDir)
  } catch {
    return
  }
  for (const n of names)
    if (n === 'vectors' || n.startsWith('vectors.'))
      rmSync(join(dataDir, n), { recursive: true, force: true })
}
