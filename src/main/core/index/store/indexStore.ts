import { ensurePrivateDirSync } from '../../files/dataDir'
import { join } from 'node:path'
import { HearthError } from '@shared/errors'
import { DataDirLock } from './dataDirLock'
import { isNewDataDir } from './pgTemplate'
import {
  INDEX_CALLS,
  type IndexApi,
  type OpArgs,
  type OpenResult,
  type OpResult,
  type PackedBatch,
  type PendingEmbed,
  type PrepareApi,
  type StoreHit,
  type StoreOp,
  type StoreOwnCalls,
  type StoreStats,
  VECTOR_CALLS,
  type VectorApi,
  type VerifyResult,
  type WorkerApis,
  type WorkerRole,
} from './protocol'
import { openOrSetAside } from './setAside'
import { StoreFailure } from './storeErrors'
import { WorkerClient, WorkerDied } from './workerClient'

export { WorkerDied } from './workerClient'

/** The calls answered here rather than passed on to one worker as they are. */
type OwnOp =
  keyof StoreOwnCalls | 'prepareFiles' | 'pendingEmbeds' | 'pendingEmbedsFor' | 'stats' | 'verify' | 'close'

/**
 * The main thread's handle on a workspace's index: owns the data-directory lock and the two worker
 * threads that run its databases, and forwards calls to them. The full-text database (IndexDb:
 * files, chunks, term statistics, the embedding backlog) and the vector database (VectorDb:
 * vectors, their cache, the HNSW index) are separate PGlite instances so a hybrid search's two
 * halves run side by side on two cores, and the vector index build never holds up full-text
 * search. The calls that span both are split here (setEmbedder, the backlog, putEmbeddings,
 * searchVector, maintainVectorIndex); the rest go to the worker whose api has them (protocol.ts).
 * The CPU half of indexing (read, hash, chunk:
 * `prepareFiles`) goes to a third worker, so it overlaps the store's writes.
 *
 * Consistency between the two without a shared transaction: the vector database is written
 * first and the full-text one records the result after, so a crash in between leaves a hash in the
 * backlog that already has its vector; the next backlog read finds it there (vecFromCache) instead
 * of embedding it again. Whenever the vector table starts over (new embedder, directory rebuilt)
 * its epoch changes and the full-text database queues every chunk again (syncVectors).
 */
export class IndexStore {
  /** How long the prepare worker outlives its last batch (stopPrepWhenIdle; tests shorten it). */
  static prepIdleMs = 15_000
  private closed = false
  /** prepareFiles calls in flight, and the timer that stops the prepare worker once idle. */
  private prepBusy = 0
  private prepIdle: NodeJS.Timeout | null = null
  /** A vector index build in flight: vector searches would wait minutes for it. */
  private building = false

  private constructor(
    private readonly db: WorkerClient<IndexApi>,
    /** null: opened for full-text search only (`vectors: false`). */
    private readonly vec: WorkerClient<VectorApi> | null,
    private vecCacheKb: number,
    private readonly lock: DataDirLock | null,
    readonly dataDir: string | null,
    readonly opened: OpenResult,
    private prep: WorkerClient<PrepareApi> | null,
  ) {}

  /**
   * Locks `dataDir` (null: in memory, no lock), starts the workers and opens the databases. If a
   * worker itself dies while opening (a data directory bad enough to abort the engine), that
   * directory is set aside and opened fresh once; a second failure is reported, not retried. A
   * disk that cannot take writes fails the open with reason `disk_full` or `not_writable`, and
   * the directory is kept as it is. `fresh`: the full-text database starts empty, whatever is
   * there (a forced rebuild; the vectors, a cache keyed by chunk text, are kept). `vectors: false`:
   * the vector database is not opened (a full-text search reads none of it, and starting a second
   * PGlite is most of a cold `hearth search --mode fts`); such a store only reads, and every call
   * that needs vectors fails.
   */
  static async open(
    dataDir: string | null,
    opts: { fresh?: boolean; vectors?: boolean } = {},
  ): Promise<IndexStore> {
    // An index holds the workspace's text: for its user only, wherever --db puts it.
    if (dataDir) ensurePrivateDirSync(dataDir)
    const lock = dataDir ? DataDirLock.acquire(dataDir) : null
    // A new index on disk is about to be filled: its first scan prepares every file. Start the
    // prepare worker now, while the databases open (seconds for a new one), not when the scan
    // hands it its first batch (its start took ≈0.7 s from source, ≈0.1 s built). Otherwise it
    // starts on the first prepareFiles, if any file changed at all.
    const prep =
      dataDir && (opts.fresh || isNewDataDir(join(dataDir, 'pg')))
        ? WorkerClient.start('index prepare worker', 'prepare')
        : null
    try {
      const [main, vec] = await Promise.allSettled([
        openWorker('index worker', 'index', dataDir, 'pg', (c) =>
          c.call('open', { dataDir, fresh: opts.fresh ?? false }),
        ),
        opts.vectors === false
          ? null
          : openWorker('index vector worker', 'vector', dataDir, 'vectors', (c) =>
              c.call('vecOpen', { dataDir }),
            ),
      ])
      if (main.status === 'rejected' || vec.status === 'rejected') {
        if (main.status === 'fulfilled') await main.value.client.terminate()
        if (vec.status === 'fulfilled') await vec.value?.client.terminate()
        throw main.status === 'rejected' ? main.reason : (vec as PromiseRejectedResult).reason
      }
      const db = main.value.client
      const opened = main.value.result
      const v = vec.value
      const reindexed = [...(opened.reindexed ?? []), ...(v?.result.reindexed ?? [])]
      try {
        // Without the vector side nothing is written, so the backlog is left as it is.
        if (v) await db.call('syncVectors', { state: v.result.state })
        const stats = await db.call('stats', {})
        const vecKb = v?.result.cacheKb ?? 0
        return new IndexStore(
          db,
          v?.client ?? null,
          vecKb,
          lock,
          dataDir,
          {
            ...opened,
            stats: { ...stats, cacheMb: stats.cacheMb + vecKb / 1024 },
            rebuilt: opened.rebuilt ?? v?.result.rebuilt ?? null,
            ...(reindexed.length > 0 ? { reindexed } : {}),
          },
          prep,
        )
      } catch (err) {
        await db.terminate()
        await v?.client.terminate()
        throw err
      }
    } catch (err) {
      await prep?.terminate()
      lock?.release()
      throw asHearthError(err)
    }
  }

  /**
   * The calls answered here, keyed like the workers' api objects: those that span both databases
   * or need care. Every other call goes to the worker whose api has it (route).
   */
  private readonly own: { [K in OwnOp]: (a: OpArgs<K>) => Promise<OpResult<K>> } = {
    prepareFiles: (a) => this.prepareFiles(a),
    setEmbedder: (a) => this.setEmbedder(a),
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

  /** Answers a call here (own), or sends it to the worker whose api has it. */
  private route(op: StoreOp, args: unknown): Promise<unknown> {
    if (Object.hasOwn(this.own, op)) return (this.own[op as OwnOp] as (a: unknown) => Promise<unknown>)(args)
    if (Object.hasOwn(VECTOR_CALLS, op))
      return this.vec ? this.vec.send(op, args) : Promise.reject(fullTextOnly())
    if (Object.hasOwn(INDEX_CALLS, op)) return this.db.send(op, args)
    return Promise.reject(new HearthError('internal', `index store: no call named '${String(op)}'`))
  }

  /** The vector worker; throws when this store was opened for full-text search only. */
  private vectors(): WorkerClient<VectorApi> {
    if (!this.vec) throw fullTextOnly()
    return this.vec
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

  private async setEmbedder(a: OpArgs<'setEmbedder'>): Promise<OpResult<'setEmbedder'>> {
    const state = await this.vectors().call('vecSetEmbedder', a)
    return this.db.call('syncVectors', { state })
  }

  /**
   * The next backlog texts (from `next`) that need the embedder: those whose vector the vector
   * database already has (its cache, from an earlier embedding of the same text) are recorded and
   * skipped.
   */
  private async unembedded(next: () => Promise<PendingEmbed[]>): Promise<PendingEmbed[]> {
    for (;;) {
      const batch = await next()
      if (batch.length === 0) return batch
      const have = new Set(await this.vectors().call('vecFromCache', { hashes: batch.map((b) => b.hash) }))
      if (have.size === 0) return batch
      await this.db.call('markEmbedded', { embedded: [...have], dropped: [] })
      const rest = batch.filter((b) => !have.has(b.hash))
      // Each round takes what it found out of the backlog, so this ends.
      if (rest.length > 0) return rest
    }
  }

  private async putEmbeddings(a: OpArgs<'putEmbeddings'>): Promise<number> {
    const stored = await this.vectors().call('vecPut', a)
    const ok = new Set(stored)
    // A vector the embedder got wrong (wrong length, NaN, all zeros) is dropped from the backlog, not
    // retried forever.
    const dropped = a.items.filter((i) => !ok.has(i.hash)).map((i) => i.hash)
    await this.db.call('markEmbedded', { embedded: stored, dropped })
    return stored.length
  }

  private async searchVector(a: OpArgs<'searchVector'>): Promise<StoreHit[]> {
    // Filters apply to chunks, after the nearest-neighbour cut: over-fetch when one is set.
    const k = Math.trunc(a.limit * (a.filter?.pathRegex || a.filter?.languages ? 8 : 1))
    const nn = await this.vectors().call('vecNearest', { vector: a.vector, k })
    if (nn.length === 0) return []
    const hits: OpArgs<'hitsByHash'> = {
      hashes: nn.map((n) => n.hash),
      distances: nn.map((n) => n.d),
      limit: a.limit,
    }
    if (a.filter) hits.filter = a.filter
    return this.db.call('hitsByHash', hits)
  }

  /** Builds the HNSW index when the vectors are complete and many (VectorDb.maintainIndex). */
  private async maintainVectorIndex(): Promise<OpResult<'maintainVectorIndex'>> {
    const st = await this.db.call('stats', {})
    if (!st.embedder || st.pending > 0 || !(await this.vectors().call('vecNeedsIndex', {})))
      return { built: false, ms: 0 }
    this.building = true
    try {
      const r = await this.vectors().call('vecMaintain', {})
      this.vecCacheKb = r.cacheKb
      return { built: r.built, ms: r.ms }
    } finally {
      this.building = false
    }
  }

  private async stats(): Promise<StoreStats> {
    const s = await this.db.call('stats', {})
    const out = { ...s, cacheMb: s.cacheMb + this.vecCacheKb / 1024 }
    return this.building ? { ...out, vectorIndexBuilding: true } : out
  }

  /** The full-text database's checks, plus: every text it records as embedded has its vector. */
  private async verify(): Promise<VerifyResult> {
    const v = await this.db.call('verify', {})
    const linked = await this.db.call('linkedHashes', {})
    const missing = await this.vectors().call('vecMissing', { hashes: linked })
    return { ...v, vectorsMissing: v.vectorsMissing + missing }
  }

  private async closeDbs(): Promise<null> {
    await Promise.all([
      this.db.dead ? null : this.db.call('close', {}),
      !this.vec || this.vec.dead ? null : this.vec.call('close', {}),
    ])
    return null
  }

  get alive(): boolean {
    return !this.db.dead && !(this.vec?.dead ?? false) && !this.closed
  }

  async close(): Promise<void> {
    if (this.closed) return
    try {
      await this.call('close', {})
    } finally {
      this.closed = true
      if (this.prepIdle) clearTimeout(this.prepIdle)
      await this.db.terminate()
      await this.vec?.terminate()
      await this.prep?.terminate()
      this.lock?.release()
    }
  }
}

function fullTextOnly(): HearthError {
  return new HearthError('unavailable', 'index store opened for full-text search only')
}

/** A store failure raised on this thread (setAside.ts) as the HearthError every other one is. */
function asHearthError(err: unknown): unknown {
  if (!(err instanceof StoreFailure)) return err
  return new HearthError('unavailable', err.message, { reason: err.reason })
}

/**
 * Starts a store worker serving `role` and opens its database (`open`). A worker that dies while
 * opening (a directory bad enough to abort the engine) gets its directory set aside and one more
 * try (openOrSetAside).
 */
async function openWorker<
  R extends WorkerRole,
  T extends { rebuilt: { setAsideTo: string; reason: string } | null },
>(
  label: string,
  role: R,
  dataDir: string | null,
  sub: string,
  open: (client: WorkerClient<WorkerApis[R]>) => Promise<T>,
): Promise<{ client: WorkerClient<WorkerApis[R]>; result: T }> {
  const { db: opened, rebuilt } = await openOrSetAside(
    dataDir ? join(dataDir, sub) : null,
    async () => {
      const client = WorkerClient.start(label, role)
      try {
        return { client, result: await open(client) }
      } catch (err) {
        await client.terminate()
        throw err
      }
    },
    (err) => err instanceof WorkerDied,
  )
  if (rebuilt) opened.result.rebuilt = rebuilt
  return opened
}
