import { parentPort, workerData } from 'node:worker_threads'
import { makeIndexApi } from './indexApi'
import { transferOf } from './packedBatch'
import { makePrepareApi } from './prepareApi'
import type { IndexApi, StoreRequest, StoreResponse, WorkerApis, WorkerRole } from './protocol'
import { RequestQueue } from './requestQueue'
import { failureMessage } from './storeErrors'

/**
 * Entry of the index store's worker threads. PGlite runs synchronously on the thread that owns it
 * (every query is WASM work), so it lives here and the main thread talks to it with small
 * request/response messages (PGliteWorker expects a Web Worker and fails under worker_threads).
 * Requests run strictly one at a time, in arrival order, except that a search's queries go before
 * the waiting steps of a term-statistics recount (requestQueue.ts).
 *
 * One entry for the two workers IndexStore starts: its workerData says which api it serves
 * (protocol.ts), and a request names a method of that api object.
 */
const port = parentPort
if (!port) throw new Error('index store worker: not started as a worker thread')

const makers: { [R in WorkerRole]: () => WorkerApis[R] } = {
  index: makeIndexApi,
  prepare: makePrepareApi,
}
const role = workerData as unknown
if (typeof role !== 'string' || !Object.hasOwn(makers, role))
  throw new Error(`index store worker: unknown role ${JSON.stringify(role)}`)
const api: object = makers[role as WorkerRole]()

/** The api's own method named `op`: a name it does not have (or inherits) is an error. */
function methodOf(op: string): (args: unknown) => unknown {
  const fn: unknown = Object.hasOwn(api, op) ? (api as Record<string, unknown>)[op] : undefined
  if (typeof fn !== 'function') throw new Error(`index store worker (${String(role)}): no call named '${op}'`)
  return fn as (args: unknown) => unknown
}

const answer = async (req: StoreRequest): Promise<void> => {
  let msg: StoreResponse
  try {
    msg = { id: req.id, ok: true, result: await methodOf(req.op)(req.args) }
  } catch (err) {
    // A sentence and the store's reason (disk full, damaged…), whatever was thrown (storeErrors.ts).
    msg = { id: req.id, ok: false, error: failureMessage(err) }
  }
  port.postMessage(msg, msg.ok ? transferOf(msg.result) : [])
}

// A search's queries go before the waiting steps of a term-statistics recount (requestQueue.ts).
const INTERACTIVE = new Set<string>([
  'searchFts',
  'hitsByHash',
  'chunkTexts',
  'stats',
  'symbolSnippets',
  'vecNearest',
] satisfies (keyof IndexApi)[])
const BACKGROUND: keyof IndexApi = 'refreshTermStatsStep'
const queue = new RequestQueue<StoreRequest>(
  answer,
  (r) => (INTERACTIVE.has(r.op) ? 'interactive' : r.op === BACKGROUND ? 'background' : 'normal'),
  15,
)
port.on('message', (req: StoreRequest) => queue.push(req))
