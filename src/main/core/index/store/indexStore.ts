import { existsSync, mkdirSync, renameSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { HearthError } from '@shared/errors'
import { DataDirLock } from './dataDirLock'
import type { OpArgs, OpenResult, OpResult, StoreOp, StoreRequest, StoreResponse } from './protocol'

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
    const fail = (err: Error): void => {
      this.dead ??= err
      for (const w of this.waiting.values()) w.reject(this.dead)
      this.waiting.clear()
    }
    this.worker.on('error', (err) => fail(new WorkerDied(`${label} crashed: ${err.message}`)))
    this.worker.on('exit', (code) => {
      if (!this.stopping) fail(new WorkerDied(`${label} exited (code ${code})`))
    })
  }

  call(op: StoreOp, args: unknown): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      const req: StoreRequest = { id, op, args }
      this.worker.postMessage(req)
    })
  }

  async terminate(): Promise<void> {
    this.stopping = true
    await this.worker.terminate()
  }
}

/**
 * The main thread's handle on the index database: owns the data-directory lock and the worker
 * thread that runs PGlite, and forwards calls to it. The CPU half of indexing (read, hash, chunk:
 * `prepareFiles`) goes to a second worker, so it overlaps the store's writes on another core.
 */
export class IndexStore {
  private closed = false
  private prep: WorkerClient | null = null

  private constructor(
    private readonly db: WorkerClient,
    private readonly lock: DataDirLock | null,
    readonly dataDir: string | null,
    readonly opened: OpenResult,
  ) {}

  /**
   * Locks `dataDir` (null: in memory, no lock), starts the worker and opens the database. If the
   * worker itself dies while opening (a data directory bad enough to abort the engine), the
   * directory is set aside and opened fresh once; a second failure is reported, not retried.
   */
  static async open(dataDir: string | null): Promise<IndexStore> {
    if (dataDir) mkdirSync(dataDir, { recursive: true })
    const lock = dataDir ? DataDirLock.acquire(dataDir) : null
    try {
      try {
        return await IndexStore.start(dataDir, lock)
      } catch (err) {
        const pg = dataDir ? join(dataDir, 'pg') : null
        if (!(err instanceof WorkerDied) || !pg || !existsSync(pg)) throw err
        const to = `${pg}.corrupt-${Date.now()}`
        renameSync(pg, to)
        const store = await IndexStore.start(dataDir, lock)
        store.opened.rebuilt = { setAsideTo: to, reason: err.message }
        return store
      }
    } catch (err) {
      lock?.release()
      throw err
    }
  }

  private static async start(dataDir: string | null, lock: DataDirLock | null): Promise<IndexStore> {
    const db = new WorkerClient('index worker')
    try {
      const opened = (await db.call('open', { dataDir })) as OpenResult
      return new IndexStore(db, lock, dataDir, opened)
    } catch (err) {
      await db.terminate()
      throw err
    }
  }

  call<K extends StoreOp>(op: K, args: OpArgs<K>): Promise<OpResult<K>> {
    if (this.closed && op !== 'close')
      return Promise.reject(new HearthError('unavailable', 'index store is closed'))
    if (op === 'prepareFiles') {
      this.prep ??= new WorkerClient('index prepare worker')
      // If the helper died, the store worker can do the same work (slower, but it works).
      if (!this.prep.dead) return this.prep.call(op, args) as Promise<OpResult<K>>
    }
    return this.db.call(op, args) as Promise<OpResult<K>>
  }

  get alive(): boolean {
    return !this.db.dead && !this.closed
  }

  async close(): Promise<void> {
    if (this.closed) return
    try {
      if (!this.db.dead) await this.call('close', {})
    } finally {
      this.closed = true
      await this.db.terminate()
      await this.prep?.terminate()
      this.lock?.release()
    }
  }
}

export class WorkerDied extends Error {}
