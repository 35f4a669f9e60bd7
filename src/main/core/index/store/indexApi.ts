import { IndexDb } from './indexDb'
import { unpackBatch } from './packedBatch'
import { makePrepareApi } from './prepareApi'
import type { FileCandidate, FtsArgs, OpenResult, PackedBatch, SearchFilter, VectorState } from './storeTypes'

/**
 * The full-text worker's calls (IndexStore sends them): IndexDb's methods, each taking one
 * argument object (see protocol.ts), and prepareFiles (the fallback when the prepare worker
 * died). Every call but `open` and prepareFiles fails until `open` and after `close`.
 */
export function makeIndexApi() {
  let db: IndexDb | null = null
  const need = (): IndexDb => {
    if (!db) throw new Error('index store is not open')
    return db
  }
  return {
    ...makePrepareApi(),
    open: async (a: { dataDir: string | null }): Promise<OpenResult> => {
      const opened = await IndexDb.open(a.dataDir)
      db = opened.db
      return opened.result
    },
    fileStates: () => need().fileStates(),
    indexFiles: (a: { root: string; files: FileCandidate[]; force?: boolean }) =>
      need().indexFiles(a.root, a.files, a.force),
    /** The batch prepareFiles made, its buffer transferred here. */
    writePrepared: (a: PackedBatch) => need().writePrepared(unpackBatch(a)),
    deleteFiles: (a: { paths: string[] }) => need().deleteFiles(a.paths),
    /**
     * Records that the vector database is in `epoch` (IndexStore, at open and on setEmbedder). A
     * different epoch than last recorded voids `vec_hashes` and queues every chunk.
     */
    syncVectors: (a: { state: VectorState }) => need().syncVectors(a.state),
    /** These hashes have a vector now (`embedded`) or never will (`dropped`). */
    markEmbedded: (a: { embedded: string[]; dropped: string[] }) =>
      need().markEmbedded(a.embedded, a.dropped),
    pendingEmbeds: (a: { limit: number }) => need().pendingEmbeds(a.limit),
    /** The backlog of these files only (a file the user just opened is embedded first). */
    pendingEmbedsFor: (a: { limit: number; paths: string[] }) => need().pendingEmbedsFor(a.limit, a.paths),
    searchFts: (a: FtsArgs) => need().searchFts(a),
    /** The chunks of these nearest hashes, filtered, nearest first. */
    hitsByHash: (a: { hashes: string[]; distances: number[]; limit: number; filter?: SearchFilter }) =>
      need().hitsByHash(a.hashes, a.distances, a.limit, a.filter),
    /**
     * The chunks to show with their text: those with these ids (from a search), and every chunk (≤8
     * each) whose text has one of these hashes. A chunk deleted since is simply absent.
     */
    chunkTexts: (a: { ids: number[]; hashes?: string[] }) => need().chunkTexts(a.ids, a.hashes),
    /** One step of a term-statistics refresh; repeat until `done` (searches run in between). */
    refreshTermStatsStep: (a: { ifStale?: boolean }) => need().refreshTermStatsStep(a.ifStale),
    symbolSnippets: (a: { names: string[]; excludePath?: string; limit: number }) =>
      need().symbolSnippets(a.names, a.excludePath, a.limit),
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
