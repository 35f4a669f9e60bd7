import { parentPort } from 'node:worker_threads'
import { IndexDb, prepareBatch } from './indexDb'
import type { OpArgs, StoreOp, StoreRequest, StoreResponse } from './protocol'
import { RequestQueue } from './requestQueue'

/**
 * Entry of the index store worker thread. PGlite runs synchronously on the thread that owns it
 * (every query is WASM work), so it lives here and the main thread talks to it with small
 * request/response messages (PGliteWorker expects a Web Worker and fails under worker_threads).
 * Requests run strictly one at a time, in arrival order, except that a search's queries go before
 * the waiting steps of a term-statistics recount (requestQueue.ts).
 */
const port = parentPort
if (!port) throw new Error('index store worker: not started as a worker thread')

let db: IndexDb | null = null

function need(): IndexDb {
  if (!db) throw new Error('index store is not open')
  return db
}

async function handle(op: StoreOp, args: unknown): Promise<unknown> {
  switch (op) {
    case 'open': {
      const a = args as OpArgs<'open'>
      const opened = await IndexDb.open(a.dataDir)
      db = opened.db
      return opened.result
    }
    case 'fileStates':
      return need().fileStates()
    case 'prepareFiles': {
      const a = args as OpArgs<'prepareFiles'>
      const prev = new Map(a.files.flatMap((f) => (f.prev ? [[f.path, f.prev] as const] : [])))
      return prepareBatch(a.root, a.files, (p) => prev.get(p), a.force)
    }
    case 'writePrepared':
      return need().writePrepared(args as OpArgs<'writePrepared'>)
    case 'indexFiles': {
      const a = args as OpArgs<'indexFiles'>
      return need().indexFiles(a.root, a.files, a.force)
    }
    case 'deleteFiles':
      return need().deleteFiles((args as OpArgs<'deleteFiles'>).paths)
    case 'setEmbedder': {
      const a = args as OpArgs<'setEmbedder'>
      return need().setEmbedder(a.id, a.dimensions)
    }
    case 'pendingEmbeds':
      return need().pendingEmbeds((args as OpArgs<'pendingEmbeds'>).limit)
    case 'pendingEmbedsFor': {
      const a = args as OpArgs<'pendingEmbedsFor'>
      return need().pendingEmbedsFor(a.limit, a.paths)
    }
    case 'putEmbeddings':
      return need().putEmbeddings((args as OpArgs<'putEmbeddings'>).items)
    case 'searchFts':
      return need().searchFts(args as OpArgs<'searchFts'>)
    case 'searchVector':
      return need().searchVector(args as OpArgs<'searchVector'>)
    case 'chunkTexts':
      return need().chunkTexts((args as OpArgs<'chunkTexts'>).ids)
    case 'refreshTermStatsStep':
      return need().refreshTermStatsStep((args as OpArgs<'refreshTermStatsStep'>).ifStale)
    case 'symbolSnippets': {
      const a = args as OpArgs<'symbolSnippets'>
      return need().symbolSnippets(a.names, a.excludePath, a.limit)
    }
    case 'stats':
      return need().stats()
    case 'maintainVectorIndex':
      return need().maintainVectorIndex()
    case 'verify':
      return need().verify()
    case 'chunkList':
      return need().chunkList()
    case 'close': {
      const d = db
      db = null
      if (d) await d.close()
      return null
    }
  }
}

const answer = async (req: StoreRequest): Promise<void> => {
  let msg: StoreResponse
  try {
    msg = { id: req.id, ok: true, result: await handle(req.op, req.args) }
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown }
    msg = {
      id: req.id,
      ok: false,
      error: {
        code: typeof e?.code === 'string' ? e.code : 'internal',
        message: String(e?.message ?? err),
      },
    }
  }
  port.postMessage(msg)
}

// A search's queries go before the waiting steps of a term-statistics recount (requestQueue.ts).
const INTERACTIVE = new Set<StoreOp>(['searchFts', 'searchVector', 'chunkTexts', 'stats', 'symbolSnippets'])
const queue = new RequestQueue<StoreRequest>(
  answer,
  (r) => (INTERACTIVE.has(r.op) ? 'interactive' : r.op === 'refreshTermStatsStep' ? 'background' : 'normal'),
  15,
)
port.on('message', (req: StoreRequest) => queue.push(req))
