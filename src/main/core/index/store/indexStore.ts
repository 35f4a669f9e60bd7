import { existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { HearthError } from '@shared/errors'
import { DataDirLock } from './dataDirLock'
import { transferOf } from './packedBatch'
import { isNewDataDir } from './pgTemplate'
import type {
  OpArgs,
  OpenResult,
  OpResult,
  PendingEmbed,
  StoreHit,
  StoreOp,
  StoreRequest,
  StoreResponse,
  StoreStats,
  VerifyResult,
} from './protocol'
import { openOrSetAside } from './setAside'

type WorkerEntry = { file: string; eval: false } | { code: string; eval: true }

function workerEntry(): WorkerEntry {
  const here = import.meta.url
  if (here.endsWith('.ts')) {
    // From source (vitest, tsx): load the TypeScript entry through tsx's API. (`--import tsx` in
    // the worker's execArgv does not reach the worker's own entry module on Node 20.)
    const tsxDir = dirname(createRequire(here).resolve('tsx/package.json'))
    const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href
    const entry = new URL('./worker.ts', here).href
    return {
      eval: true,
      code: `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`,
    }
  }
  // Built by electron-vite: out/main/indexWorker.js beside cli.js / index.js; this module may be
  // in a shared chunk one folder down.
  for (const rel of ['./indexWorker.js', '../indexWorker.js', '../../indexWorker.js']) {
    const f = fileURLToPath(new URL(rel, here))
    if (existsSync(f)) return { eval: false, file: f }
  }
  throw new HearthError('internal', `index worker not found next to ${fileURLToPath(here)}`)
}

function spawnWorker(): Worker {
  const entry = workerEntry()
  return entry.eval ? new Worker(entry.code, { eval: true }) : new Worker(entry.file)
}

/** Request/response over one worker thread; a dead worker fails every pending and later call. */
class WorkerClient {
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private nextId = 1
  dead: Error | null = null
  stopping = false
  readonly worker = spawnWorker()

  constructor(label: string) {
    this.worker.on('message', (msg: StoreResponse) => {
      const w = this.waiting.get(msg.id)
      if (!w) return
      this.waiting.delete(msg.id)
      if (msg.ok) w.resolve(msg.result)
      else w.reject(new HearthError(msg.error.code === 'busy' ? 'busy' : 'internal', msg.error.message))
    })
    this.worker.on('error', (err) => this.fail(new WorkerDied(`${label} crashed: ${err.message}`)))
    this.worker.on('exit', (code) => {
      if (!this.stopping) this.fail(new WorkerDied(`${label} exited (code ${code})`))
    })
  }

  private fail(err: Error): void {
    this.dead ??= err
    for (const w of this.waiting.values()) w.reject(this.dead)
    this.waiting.clear()
  }

  call(op: StoreOp, args: unknown): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      const req: StoreRequest = { id, op, args }
      this.worker.postMessage(req, transferOf(args))
    })
  }

  async terminate(): Promise<void> {
    this.stopping = true
    await this.worker.terminate()
    // A call still waiting will never be answered now. A scan that the index's close let go of
    // (its pause lifted) could send one just before the close: left waiting, it kept the index
    // service's dispose waiting for ever.
    this.fail(new HearthError('unavailable', 'index store is closed'))
  }
}

/**
 * The main thread's handle on a workspace's index: owns the data-directory lock and the two worker
 * threads that run its databases, and forwards calls to them. The full-text database (IndexDb:
 * files, chunks, term statistics, the embedding backlog) and the vector database (VectorDb:
 * vectors, their cache, the HNSW index) are separate PGlite instances so a hybrid search's two
 * halves run side by side on two cores, and the vector index build never holds up full-text
 * search. The calls that span both are split here (setEmbedder, the backlog, putEmbeddings,
 * searchVector, maintainVectorIndex). The CPU half of indexing (read, hash, chunk:
 * `prepareFiles`) goes to a third worker, so it overlaps the store's writes.
 *
 * Consistency between the two without a shared transaction: the vector database is written
 * first and the full-text one records the result after, so a crash in between leaves a hash in the
 * backlog that already has its vector; the next backlog read finds it there (vecFromCache) instead
 * of embedding it again. Whenever the vector table starts over (new embedder, directory rebuilt)
 * its epoch changes and the full-text database queues every chunk again (syncVectors).
 */
export class IndexStore {
  private closed = false
  /** A vector index build in flight: vector searches would wait minutes for it. */
  private building = false

  private constructor(
    private readonly db: WorkerClient,
    private readonly vec: WorkerClient,
    private vecCacheKb: number,
    private readonly lock: DataDirLock | null,
    readonly dataDir: string | null,
    readonly opened: OpenResult,
    private prep: WorkerClient | null,
  ) {}

  /**
   * Locks `dataDir` (null: in memory, no lock), starts the workers and opens the databases. If a
   * worker itself dies while opening (a data directory bad enough to abort the engine), that
   * directory is set aside and opened fresh once; a second failure is reported, not retried.
   */
  static async open(dataDir: string | null): Promise<IndexStore> {
    if (dataDir) mkdirSync(dataDir, { recursive: true })
    const lock = dataDir ? DataDirLock.acquire(dataDir) : null
    // A new index on disk is about to be filled: its first scan prepares every file. Start the
    // prepare worker now, while the databases open (seconds for a new one), not when the scan
    // hands it its first batch (its start took ≈0.7 s from source, ≈0.1 s built). Otherwise it
    // starts on the first prepareFiles, if any file changed at all.
    const prep =
      dataDir && isNewDataDir(join(dataDir, 'pg')) ? new WorkerClient('index prepare worker') : null
    try {
      const [main, vec] = await Promise.allSettled([
        openWorker('index worker', dataDir, 'pg', 'open'),
        openWorker('index vector worker', dataDir, 'vectors', 'vecOpen'),
      ])
      if (main.status === 'rejected' || vec.status === 'rejected') {
        if (main.status === 'fulfilled') await main.value.client.terminate()
        if (vec.status === 'fulfilled') await vec.value.client.terminate()
        throw main.status === 'rejected' ? main.reason : (vec as PromiseRejectedResult).reason
      }
      const db = main.value.client
      const opened = main.value.result
      try {
        await db.call('syncVectors', { state: vec.value.result.state })
        const stats = (await db.call('stats', {})) as StoreStats
        const vecKb = vec.value.result.cacheKb
        return new IndexStore(
          db,
          vec.value.client,
          vecKb,
          lock,
          dataDir,
          {
            ...opened,
            stats: { ...stats, cacheMb: stats.cacheMb + vecKb / 1024 },
            rebuilt: opened.rebuilt ?? vec.value.result.rebuilt,
          },
          prep,
        )
      } catch (err) {
        await db.terminate()
        await vec.value.client.terminate()
        throw err
      }
    } catch (err) {
      await prep?.terminate()
      lock?.release()
      throw err
    }
  }

  call<K extends StoreOp>(op: K, args: OpArgs<K>): Promise<OpResult<K>> {
    if (this.closed && op !== 'close')
      return Promise.reject(new HearthError('unavailable', 'index store is closed'))
    return this.route(op, args) as Promise<OpResult<K>>
  }

  private route(op: StoreOp, args: unknown): Promise<unknown> {
    switch (op) {
      case 'prepareFiles':
        this.prep ??= new WorkerClient('index prepare worker')
        // If the helper died, the store worker can do the same work (slower, but it works).
        return (this.prep.dead ? this.db : this.prep).call(op, args)
      case 'setEmbedder':
        return this.setEmbedder(args as OpArgs<'setEmbedder'>)
      case 'pendingEmbeds':
      case 'pendingEmbedsFor':
        return this.pendingEmbeds(op, args)
      case 'putEmbeddings':
        return this.putEmbeddings(args as OpArgs<'putEmbeddings'>)
      case 'searchVector':
        return this.searchVector(args as OpArgs<'searchVector'>)
      case 'maintainVectorIndex':
        return this.maintainVectorIndex()
      case 'stats':
        return this.stats()
      case 'verify':
        return this.verify()
      case 'close':
        return this.closeDbs()
      default:
        return (op.startsWith('vec') ? this.vec : this.db).call(op, args)
    }
  }

  private async setEmbedder(a: OpArgs<'setEmbedder'>): Promise<OpResult<'setEmbedder'>> {
    const state = (await this.vec.call('vecSetEmbedder', a)) as OpResult<'vecSetEmbedder'>
    return (await this.db.call('syncVectors', { state })) as OpResult<'syncVectors'>
  }

  /**
   * The next backlog texts that need the embedder: those whose vector the vector database already
   * has (its cache, from an earlier embedding of the same text) are recorded and skipped.
   */
  private async pendingEmbeds(
    op: 'pendingEmbeds' | 'pendingEmbedsFor',
    args: unknown,
  ): Promise<PendingEmbed[]> {
    for (;;) {
      const batch = (await this.db.call(op, args)) as PendingEmbed[]
      if (batch.length === 0) return batch
      const have = new Set(
        (await this.vec.call('vecFromCache', { hashes: batch.map((b) => b.hash) })) as string[],
      )
      if (have.size === 0) return batch
      await this.db.call('markEmbedded', { embedded: [...have], dropped: [] })
      const rest = batch.filter((b) => !have.has(b.hash))
      // Each round takes what it found out of the backlog, so this ends.
      if (rest.length > 0) return rest
    }
  }

  private async putEmbeddings(a: OpArgs<'putEmbeddings'>): Promise<number> {
    const stored = (await this.vec.call('vecPut', a)) as string[]
    const ok = new Set(stored)
    // A vector the embedder got wrong (wrong length, NaN) is dropped from the backlog, not retried forever.
    const dropped = a.items.filter((i) => !ok.has(i.hash)).map((i) => i.hash)
    await this.db.call('markEmbedded', { embedded: stored, dropped })
    return stored.length
  }

  private async searchVector(a: OpArgs<'searchVector'>): Promise<StoreHit[]> {
    // Filters apply to chunks, after the nearest-neighbour cut: over-fetch when one is set.
    const k = Math.trunc(a.limit * (a.filter?.pathRegex || a.filter?.languages ? 8 : 1))
    const nn = (await this.vec.call('vecNearest', { vector: a.vector, k })) as OpResult<'vecNearest'>
    if (nn.length === 0) return []
    const hits: OpArgs<'hitsByHash'> = {
      hashes: nn.map((n) => n.hash),
      distances: nn.map((n) => n.d),
      limit: a.limit,
    }
    if (a.filter) hits.filter = a.filter
    return (await this.db.call('hitsByHash', hits)) as StoreHit[]
  }

  /** Builds the HNSW index when the vectors are complete and many (VectorDb.maintainIndex). */
  private async maintainVectorIndex(): Promise<OpResult<'maintainVectorIndex'>> {
    const st = (await this.db.call('stats', {})) as StoreStats
    if (!st.embedder || st.pending > 0 || !(await this.vec.call('vecNeedsIndex', {})))
      return { built: false, ms: 0 }
    this.building = true
    try {
      const r = (await this.vec.call('vecMaintain', {})) as OpResult<'vecMaintain'>
      this.vecCacheKb = r.cacheKb
      return { built: r.built, ms: r.ms }
    } finally {
      this.building = false
    }
  }

  private async stats(): Promise<StoreStats> {
    const s = (await this.db.call('stats', {})) as StoreStats
    const out = { ...s, cacheMb: s.cacheMb + this.vecCacheKb / 1024 }
    return this.building ? { ...out, vectorIndexBuilding: true } : out
  }

  /** The full-text database's checks, plus: every text it records as embedded has its vector. */
  private async verify(): Promise<VerifyResult> {
    const v = (await this.db.call('verify', {})) as VerifyResult
    const linked = (await this.db.call('linkedHashes', {})) as string[]
    const missing = (await this.vec.call('vecMissing', { hashes: linked })) as number
    return { ...v, vectorsMissing: v.vectorsMissing + missing }
  }

  private async closeDbs(): Promise<null> {
    await Promise.all([this.db, this.vec].map((w) => (w.dead ? Promise.resolve(null) : w.call('close', {}))))
    return null
  }

  get alive(): boolean {
    return !this.db.dead && !this.vec.dead && !this.closed
  }

  async close(): Promise<void> {
    if (this.closed) return
    try {
      await this.call('close', {})
    } finally {
      this.closed = true
      await this.db.terminate()
      await this.vec.terminate()
      await this.prep?.terminate()
      this.lock?.release()
    }
  }
}

/**
 * Starts a store worker and opens its database. A worker that dies while opening (a directory bad
 * enough to abort the engine) gets its directory set aside and one more try (openOrSetAside).
 */
async function openWorker<K extends 'open' | 'vecOpen'>(
  label: string,
  dataDir: string | null,
  sub: string,
  op: K,
): Promise<{ client: WorkerClient; result: OpResult<K> }> {
  const { db: opened, rebuilt } = await openOrSetAside(
    dataDir ? join(dataDir, sub) : null,
    async () => {
      const client = new WorkerClient(label)
      try {
        return { client, result: (await client.call(op, { dataDir })) as OpResult<K> }
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

export class WorkerDied extends Error {}
