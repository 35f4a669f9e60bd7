import { CACHE_SIZING } from './cacheSizing'
import { IndexDb } from './indexDb'
import { unpackBatch } from './packedBatch'
import { makePrepareApi } from './prepareApi'
import { setAside } from './setAside'
import { cannotWrite, probeWritable } from './diskSpace'
import { damageOf, describeError, hasReason, StoreDamage, StoreFailure, writeFailureOf } from './storeErrors'
import type { FileCandidate, FtsArgs, OpenFlags, OpenResult, PackedBatch, SearchFilter } from './storeTypes'
import { makeVectorApi } from './vectorApi'

/**
 * A failure that names no cause, on a disk that cannot take writes now, is that disk's: a write
 * Postgres could not finish can leave PGlite answering the next statement with an error of its
 * own ("cannot drop active portal"), which would otherwise reach the user instead of "the disk is
 * full". Anything else is returned as it is.
 */
function onFullDisk(d: IndexDb, err: unknown): unknown {
  if (!d.pgDir || writeFailureOf(err) || hasReason(err)) return err
  const failure = probeWritable(d.pgDir)
  return failure ? cannotWrite(d.pgDir, failure, err) : err
}

/**
 * The store worker's calls (IndexStore sends them): IndexDb's methods, each taking one argument
 * object (see protocol.ts), its vector side's (makeVectorApi), and prepareFiles (the fallback
 * when the prepare worker died). Every call but `open` and prepareFiles fails until `open` and
 * after `close`.
 *
 * A call that fails on damaged data (a GIN index cut short: every search failed, for ever) is
 * mended here and tried once more: a damaged index is rebuilt from its table. A damaged table
 * cannot be mended: the database is set aside and started anew, and the call fails with reason
 * `index_damaged`, which tells the caller to index the files again (the app does at once).
 */
export function makeIndexApi() {
  let db: IndexDb | null = null
  let dataDir: string | null = null
  /** The embedder last chosen: a database started anew chooses it again. */
  let embedder: { id: string; dimensions: number } | null = null
  const need = (): IndexDb => {
    if (!db) throw new Error('index store is not open')
    return db
  }

  const startOver = async (damaged: IndexDb): Promise<void> => {
    db = null
    await damaged.close(false).catch(() => undefined)
    if (damaged.pgDir) setAside(damaged.pgDir)
    const fresh = (await IndexDb.open(dataDir)).db
    if (embedder) await fresh.setEmbedder(embedder.id, embedder.dimensions)
    db = fresh
  }

  /** Runs `f` on the database, mending damage it meets (see above). */
  const mended = async <R>(f: (d: IndexDb) => Promise<R>): Promise<R> => {
    const d = need()
    try {
      return await f(d)
    } catch (err) {
      if (!damageOf(err)) throw onFullDisk(d, err)
      try {
        await d.repairAfter(err)
      } catch (lost) {
        if (!(lost instanceof StoreDamage)) throw lost
        await startOver(d)
        throw new StoreFailure(
          'index_damaged',
          `the index was damaged (${describeError(err)}): it has been started anew and is rebuilt from the files`,
        )
      }
      return f(d)
    }
  }

  return {
    ...makePrepareApi(),
    ...makeVectorApi(need, mended),
    open: async (a: { dataDir: string | null } & OpenFlags): Promise<OpenResult> => {
      dataDir = a.dataDir
      const sizing = a.oneCommand ? { ...CACHE_SIZING, oneCommand: true } : CACHE_SIZING
      const opened = await IndexDb.open(a.dataDir, sizing, { fresh: a.fresh ?? false })
      db = opened.db
      return opened.result
    },
    fileStates: () => need().fileStates(),
    indexFiles: (a: { root: string; files: FileCandidate[]; force?: boolean }) =>
      mended((d) => d.indexFiles(a.root, a.files, a.force)),
    /** The batch prepareFiles made, its buffer transferred here. */
    writePrepared: (a: PackedBatch) => mended((d) => d.writePrepared(unpackBatch(a))),
    deleteFiles: (a: { paths: string[] }) => mended((d) => d.deleteFiles(a.paths)),
    /**
     * Chooses the embedder: a different one than the vectors are of starts a new vector epoch,
     * which voids `vec_hashes` and queues every chunk text again (IndexDb.setEmbedder).
     */
    setEmbedder: (a: { id: string; dimensions: number }) => {
      embedder = { id: a.id, dimensions: a.dimensions }
      return mended((d) => d.setEmbedder(a.id, a.dimensions))
    },
    /** These hashes have a vector now (`embedded`) or never will (`dropped`). */
    markEmbedded: (a: { embedded: string[]; dropped: string[] }) =>
      mended((d) => d.markEmbedded(a.embedded, a.dropped)),
    pendingEmbeds: (a: { limit: number }) => mended((d) => d.pendingEmbeds(a.limit)),
    /** The backlog of these files only (a file the user just opened is embedded first). */
    pendingEmbedsFor: (a: { limit: number; paths: string[] }) =>
      mended((d) => d.pendingEmbedsFor(a.limit, a.paths)),
    searchFts: (a: FtsArgs) => mended((d) => d.searchFts(a)),
    /** The chunks of these nearest hashes, filtered, nearest first. */
    hitsByHash: (a: { hashes: string[]; distances: number[]; limit: number; filter?: SearchFilter }) =>
      mended((d) => d.hitsByHash(a.hashes, a.distances, a.limit, a.filter)),
    /**
     * The chunks to show with their text: those with these ids (from a search), and every chunk (≤8
     * each) whose text has one of these hashes. A chunk deleted since is simply absent.
     */
    chunkTexts: (a: { ids: number[]; hashes?: string[] }) => mended((d) => d.chunkTexts(a.ids, a.hashes)),
    /** One step of a term-statistics refresh; repeat until `done` (searches run in between). */
    refreshTermStatsStep: (a: { ifStale?: boolean }) => mended((d) => d.refreshTermStatsStep(a.ifStale)),
    symbolSnippets: (a: { names: string[]; excludePath?: string; limit: number }) =>
      mended((d) => d.symbolSnippets(a.names, a.excludePath, a.limit)),
    symbolsByPrefix: (a: { prefix: string; limit: number }) =>
      mended((d) => d.symbolsByPrefix(a.prefix, a.limit)),
    stats: () => need().stats(),
    verify: () => need().verify(),
    /** Chunk texts recorded as having a vector (verify). */
    linkedHashes: () => need().linkedHashes(),
    chunkList: () => need().chunkList(),
    close: async (): Promise<null> => {
      const d = db
      db = null
      await d?.close()
      return null
    },
  }
}

export type IndexApi = ReturnType<typeof makeIndexApi>
