import { parentPort } from 'node:worker_threads'
import { scanBatch, type ScanRequest } from './literalScan'

/**
 * Entry of the literal search's worker threads (literalPool.ts): each message is one batch of
 * files, answered with what matched. Reading and matching are synchronous here, which is what
 * makes them fast (one file system call after another, no promise per file), and they stay off
 * the core's event loop.
 */
const port = parentPort
if (!port) throw new Error('literal search worker: not started as a worker thread')
port.on('message', (req: ScanRequest) => {
  if (req.progress && req.postedAt !== undefined)
    Atomics.store(req.progress, 1, Math.max(1, Date.now() - req.postedAt))
  try {
    port.postMessage({ ok: true, result: scanBatch(req) })
  } catch (err) {
    port.postMessage({ ok: false, id: req.id, message: err instanceof Error ? err.message : String(err) })
  }
})
