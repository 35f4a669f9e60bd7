import { parentPort } from 'node:worker_threads'
import { IndexDb, prepareBatch } from './indexDb'
import { packBatch, transferOf, unpackBatch } from './packedBatch'
import type { OpArgs, StoreOp, StoreRequest, StoreResponse } from './protocol'
import { RequestQueue } from './requestQueue'
import { VectorDb } from './vectorDb'

/**
 * Entry of the index store worker thread. PGlite runs synchronously on the thread that owns it
 * (every query is WASM work), so it lives here and the main thread talks to it with small
 * request/response messages (PGliteWorker expects a Web Worker and fails under worker_threads).
 * Requests run strictly one at a time, in arrival order, except that a search's queries go before
 * the waiting steps of a term-statistics recount (requestQueue.ts).
 */
const port = parentPort
if (!port) throw new Error('index store worker: not started as a worker thread')

// One worker entry for both store workers: the full-text one opens an IndexDb, the vector one a
// VectorDb (IndexStore starts two and sends each its own calls).
let db: IndexDb | null = null
let vdb: VectorDb | null = null

function need(): IndexDb {
  if (!db) throw new Error('index store is not open')
  return db
}

function needVectors(): VectorDb {
  if (!vdb) throw new Error('vector store is not open')
  return vdb
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
      return packBatch(prepareBatch(a.root, a.files, (p) => prev.get(p), a.force))
    }
    case 'writePrepared':
      return need().writePrepared(unpackBatch(args as OpArgs<'writePrepared'>))
    case 'indexFiles': {
      const a = args as OpArgs<'indexFiles'>
      return need().indexFiles(a.root, a.files, a.force)
    }
    case 'deleteFiles':
      return need().deleteFiles((args as OpArgs<'deleteFiles'>).paths)
    case 'syncVectors':
      return need().syncVectors((args as OpArgs<'syncVectors'>).state)
    case 'markEmbedded': {
      const a = args as OpArgs<'markEmbedded'>
      return need().markEmbedded(a.embedded, a.dropped)
    }
    case 'hitsByHash': {
      const a = args as OpArgs<'hitsByHash'>
      return need().hitsByHash(a.hashes, a.distances, a.limit, a.filter)
    }
    case 'pendingEmbeds':
      return need().pendingEmbeds((args as OpArgs<'pendingEmbeds'>).limit)
    case 'pendingEmbedsFor': {
      const a = args as OpArgs<'pendingEmbedsFor'>
      return need().pendingEmbedsFor(a.limit, a.paths)
    }
    case 'searchFts':
      return need().searchFts(args as OpArgs<'searchFts'>)
    case 'chunkTexts': {
      const a = args as OpArgs<'chunkTexts'>
      return need().chunkTexts(a.ids, a.hashes)
    }
    case 'refreshTermStatsStep':
      return need().refreshTermStatsStep((args as OpArgs<'refreshTermStatsStep'>).ifStale)
    case 'symbolSnippets': {
      const a = args as OpArgs<'symbolSnippets'>
      return need().symbolSnippets(a.names, a.excludePath, a.limit)
    }
    case 'stats':
      return need().stats()
    case 'verify':
      return need().verify()
    case 'chunkList':
      return need().chunkList()
    case 'close': {
      const d = db
      const v = vdb
      db = null
      vdb = null
      await d?.close()
      await v?.close()
      return null
    }
    case 'vecOpen': {
      const opened = await VectorDb.open((args as OpArgs<'vecOpen'>).dataDir)
      vdb = opened.db
      return { state: opened.state, rebuilt: opened.rebuilt, cacheKb: opened.cacheKb }
    }
    case 'vecSetEmbedder': {
      const a = args as OpArgs<'vecSetEmbedder'>
      return needVectors().setEmbedder(a.id, a.dimensions)
    }
    case 'vecFromCache':
      return needVectors().fromCache((args as OpArgs<'vecFromCache'>).hashes)
    case 'vecPut':
      return needVectors().put((args as OpArgs<'vecPut'>).items)
    case 'vecNearest': {
      const a = args as OpArgs<'vecNearest'>
      return needVectors().nearest(a.vector, a.k)
    }
    case 'vecNeedsIndex':
      return needVectors().needsIndex()
    case 'vecMaintain':
      return needVectors().maintainIndex()
    case 'vecMissing':
      return needVectors().missing((args as OpArgs<'vecMissing'>).hashes)
    case 'linkedHashes':
      return need().linkedHashes()
    case 'vecRows':
      return needVectors().rows()
    // Calls that span both databases: IndexStore splits them into the ones above.
    case 'setEmbedder':
    case 'putEmbeddings':
    case 'searchVector':
    case 'maintainVectorIndex':
      throw new Error(`${op} is answered by IndexStore, not by a store worker`)
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
  port.postMessage(msg, msg.ok ? transferOf(msg.result) : [])
}

// A search's queries go before the waiting steps of a term-statistics recount (requestQueue.ts).
const INTERACTIVE = new Set<StoreOp>([
  'searchFts',
  'hitsByHash',
  'chunkTexts',
  'stats',
  'symbolSnippets',
  'vecNearest',
])
const queue = new RequestQueue<StoreRequest>(
  answer,
  (r) => (INTERACTIVE.has(r.op) ? 'interactive' : r.op === 'refreshTermStatsStep' ? 'background' : 'normal'),
  15,
)
port.on('message', (req: StoreRequest) => queue.push(req))
