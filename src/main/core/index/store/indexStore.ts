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

/**
 * The main thread's handle on the index database: owns the data-directory lock and the worker
 * thread that runs PGlite, and forwards calls to it.
 */
export class IndexStore {
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private nextId = 1
  private dead: Error | null = null
  private closed = false

  private constructor(
    private readonly worker: Worker,
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
    const entry = workerEntry()
    const worker = entry.eval ? new Worker(entry.code, { eval: true }) : new Worker(entry.file)
    const pending = new IndexStore(worker, lock, dataDir, {
      stats: { files: 0, chunks: 0, pending: 0, embedder: null, dimensions: null },
      rebuilt: null,
      schemaVersion: 0,
    })
    pending.listen()
    try {
      const res = await pending.call('open', { dataDir })
      Object.assign(pending.opened, res)
      return pending
    } catch (err) {
      await worker.terminate()
      throw err
    }
  }

  private listen(): void {
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
    this.worker.on('error', (err) => fail(new WorkerDied(`index worker crashed: ${err.message}`)))
    this.worker.on('exit', (code) => {
      if (!this.closed) fail(new WorkerDied(`index worker exited (code ${code})`))
    })
  }

  call<K extends StoreOp>(op: K, args: OpArgs<K>): Promise<OpResult<K>> {
    if (this.dead) return Promise.reject(this.dead)
    if (this.closed && op !== 'close')
      return Promise.reject(new HearthError('unavailable', 'index store is closed'))
    const id = this.nextId++
    return new Promise<OpResult<K>>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      const req: StoreRequest = { id, op, args }
      this.worker.postMessage(req)
    })
  }

  get alive(): boolean {
    return !this.dead && !this.closed
  }

  async close(): Promise<void> {
    if (this.closed) return
    try {
      if (!this.dead) await this.call('close', {})
    } finally {
      this.closed = true
      await this.worker.terminate()
      this.lock?.release()
    }
  }
}

export class WorkerDied extends Error {}
