/**
 * The calls the index store's workers answer, and the messages that carry them. Each worker's
 * calls are the methods of its api object, as in PGlite's own worker: makeIndexApi (the index's
 * one database, full text and vectors, the latter's calls made by makeVectorApi) and
 * makePrepareApi (the CPU half of indexing). A
 * call's name is a method's, its argument the method's one argument object ({} for a method
 * without one), its result what the method returns. The data they carry is in storeTypes.ts.
 */

import type { IndexApi } from './indexApi'
import type { PrepareApi } from './prepareApi'
import type { StoreHit, VectorArgs } from './storeTypes'

export type * from './storeTypes'
export type { IndexApi } from './indexApi'
export type { PrepareApi } from './prepareApi'
export type { VectorApi } from './vectorApi'

/** Which api a worker thread serves (its workerData); worker.ts makes the object. */
export interface WorkerApis {
  index: IndexApi
  prepare: PrepareApi
}
export type WorkerRole = keyof WorkerApis

/** The argument of a call that takes none. */
export type NoArgs = Record<string, never>
/** A call's argument: its method's one parameter, or {} for a method without. */
export type ArgsOf<F> = F extends (...args: infer P) => unknown ? (P extends [] ? NoArgs : P[0]) : never
/** A call's result: what its method returns, awaited. */
export type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never

/** Calls that IndexStore answers itself, from several calls to the store worker (indexStore.ts). */
export interface StoreOwnCalls {
  putEmbeddings(a: { items: { hash: string; vector: number[] }[] }): Promise<number>
  searchVector(a: VectorArgs): Promise<StoreHit[]>
  maintainVectorIndex(): Promise<{ built: boolean; ms: number }>
}

/**
 * Every call IndexStore answers: its own, and the store worker's (passed on, some with care, see
 * IndexStore). Opening is IndexStore.open's.
 */
export type StoreApi = StoreOwnCalls & Omit<IndexApi, 'open'>
export type StoreOp = keyof StoreApi
export type OpArgs<K extends StoreOp> = ArgsOf<StoreApi[K]>
export type OpResult<K extends StoreOp> = ResultOf<StoreApi[K]>

/**
 * The calls IndexStore passes on to the store worker as they are. The type holds this to the api
 * object: every method named, nothing else.
 */
export const INDEX_CALLS: Record<Exclude<keyof IndexApi, 'open'>, true> = {
  prepareFiles: true,
  fileStates: true,
  indexFiles: true,
  writePrepared: true,
  deleteFiles: true,
  setEmbedder: true,
  markEmbedded: true,
  pendingEmbeds: true,
  pendingEmbedsFor: true,
  searchFts: true,
  hitsByHash: true,
  chunkTexts: true,
  refreshTermStatsStep: true,
  symbolSnippets: true,
  symbolsByPrefix: true,
  stats: true,
  verify: true,
  linkedHashes: true,
  chunkList: true,
  close: true,
  vecFromCache: true,
  vecPut: true,
  vecNearest: true,
  vecNeedsIndex: true,
  vecMaintain: true,
  vecBacklogStep: true,
  vecRows: true,
  vecMissing: true,
}

export interface StoreRequest {
  id: number
  /** A method of the receiving worker's api. */
  op: string
  args: unknown
}

export type StoreResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string; reason?: string } }
