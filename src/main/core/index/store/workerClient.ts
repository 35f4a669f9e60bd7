import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { type ErrorCode, HearthError, isFailureReason } from '@shared/errors'
import { transferOf } from './packedBatch'
import type { ArgsOf, ResultOf, StoreRequest, StoreResponse, WorkerApis, WorkerRole } from './protocol'

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

/** Starts worker.ts serving the api of `role` (its workerData). */
function spawnWorker(role: WorkerRole): Worker {
  const entry = workerEntry()
  return entry.eval
    ? new Worker(entry.code, { eval: true, workerData: role })
    : new Worker(entry.file, { workerData: role })
}

/** A worker's failure as the main thread's error: its sentence, and its reason when it has one. */
function errorFrom(e: { code: string; message: string; reason?: string }): HearthError {
  const code: ErrorCode = e.code === 'busy' || e.code === 'unavailable' ? e.code : 'internal'
  return isFailureReason(e.reason)
    ? new HearthError(code, e.message, { reason: e.reason })
    : new HearthError(code, e.message)
}

/** A worker died (crashed, exited) rather than answering a call with an error. */
export class WorkerDied extends Error {}

/**
 * What a worker's 'error' event means. A worker whose own code could not load (the app's files
 * replaced or removed under a running Hearth, e.g. by a rebuild) says nothing about the database:
 * it must not count as damage, or the caller would set a good index aside and rebuild it.
 */
export function workerFailure(label: string, err: Error & { code?: unknown }): Error {
  const cannotLoad =
    err.code === 'ERR_MODULE_NOT_FOUND' ||
    err.code === 'MODULE_NOT_FOUND' ||
    /Cannot find module/.test(err.message)
  return cannotLoad
    ? new HearthError(
        'internal',
        `${label} could not load its code (${err.message}). Hearth's files changed while it ran: restart Hearth.`,
      )
    : new WorkerDied(`${label} crashed: ${err.message}`)
}

/**
 * Request/response over one worker thread, typed by the api object it serves: a call names one
 * of its methods and passes that method's argument. A packed batch's buffer is transferred both
 * ways (packedBatch.ts). A dead worker fails every pending and later call.
 */
export class WorkerClient<Api> {
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private nextId = 1
  dead: Error | null = null
  stopping = false
  readonly worker: Worker

  private constructor(label: string, role: WorkerRole) {
    this.worker = spawnWorker(role)
    this.worker.on('message', (msg: StoreResponse) => {
      const w = this.waiting.get(msg.id)
      if (!w) return
      this.waiting.delete(msg.id)
      if (msg.ok) w.resolve(msg.result)
      else w.reject(errorFrom(msg.error))
    })
    this.worker.on('error', (err) => this.fail(workerFailure(label, err)))
    this.worker.on('exit', (code) => {
      if (!this.stopping) this.fail(new WorkerDied(`${label} exited (code ${code})`))
    })
  }

  /** Starts a worker serving the api of `role`. */
  static start<R extends WorkerRole>(label: string, role: R): WorkerClient<WorkerApis[R]> {
    return new WorkerClient<WorkerApis[R]>(label, role)
  }

  private fail(err: Error): void {
    this.dead ??= err
    for (const w of this.waiting.values()) w.reject(this.dead)
    this.waiting.clear()
  }

  call<K extends keyof Api & string>(op: K, args: ArgsOf<Api[K]>): Promise<ResultOf<Api[K]>> {
    return this.send(op, args) as Promise<ResultOf<Api[K]>>
  }

  /** The untyped call underneath: for a name already known to be one of the api's. */
  send(op: string, args: unknown): Promise<unknown> {
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
