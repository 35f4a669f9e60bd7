import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type si from 'systeminformation'

/** The systeminformation calls that block: run them here, never on the core's event loop. */
export type BlockingSiCall = 'cpuTemperature' | 'graphics'
type Result<K extends BlockingSiCall> = Awaited<ReturnType<(typeof si)[K]>>

// Plain CommonJS so it runs the same from source (vitest, tsx) and from the electron-vite build.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads')
const si = require(workerData.siPath)
parentPort.on('message', ({ id, fn }) => {
  Promise.resolve()
    .then(() => si[fn]())
    .then((result) => parentPort.postMessage({ id, result }), (err) => parentPort.postMessage({ id, error: String(err && err.message || err) }))
})
`

/**
 * systeminformation's cpuTemperature and graphics use execSync on Linux (cat of /sys thermal
 * zones, dmidecode, lspci, nvidia-smi): measured here at 90–150 ms of frozen event loop per call.
 * In the Electron main process that is a keystroke left waiting, so these run in a worker thread,
 * started on demand and ended after `idleMs` without calls (they are read once a minute at most).
 */
export class SiWorker {
  private worker: Worker | null = null
  private nextId = 1
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  private idleTimer: NodeJS.Timeout | undefined
  private readonly siPath = createRequire(import.meta.url).resolve('systeminformation')

  // 90 s outlives the 60 s base interval (no thread restart per read); a probe backed off to
  // 4–10 minutes lets the thread go.
  constructor(private readonly idleMs = 90_000) {}

  call<K extends BlockingSiCall>(fn: K, signal?: AbortSignal): Promise<Result<K>> {
    const w = this.ensure()
    if (this.idleTimer) clearTimeout(this.idleTimer)
    const id = this.nextId++
    return new Promise<Result<K>>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id)
        reject(new Error('aborted'))
        this.scheduleIdle()
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.pending.set(id, {
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(v as Result<K>)
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort)
          reject(e)
        },
      })
      // While a call is pending its caller is waiting: keep the process alive that long only.
      w.ref()
      w.postMessage({ id, fn })
    })
  }

  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.stop(new Error('disposed'))
  }

  private ensure(): Worker {
    if (this.worker) return this.worker
    // execArgv []: the parent's flags (e.g. --input-type=module) must not turn this CommonJS into ESM.
    const w = new Worker(WORKER_CODE, { eval: true, execArgv: [], workerData: { siPath: this.siPath } })
    w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (m.error !== undefined) p.reject(new Error(m.error))
      else p.resolve(m.result)
      this.scheduleIdle()
    })
    w.on('error', (err) => this.stop(err))
    w.on('exit', () => {
      if (this.worker === w) this.stop(new Error('probe worker exited'))
    })
    // Never keep the process alive for a probe. After the listeners: adding a 'message'
    // listener refs the worker's port again.
    w.unref()
    this.worker = w
    return w
  }

  private scheduleIdle(): void {
    if (this.pending.size > 0) return
    this.worker?.unref()
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.stop(new Error('idle')), this.idleMs)
    this.idleTimer.unref()
  }

  private stop(reason: Error): void {
    const w = this.worker
    this.worker = null
    for (const p of this.pending.values()) p.reject(reason)
    this.pending.clear()
    if (w) void w.terminate()
  }
}
