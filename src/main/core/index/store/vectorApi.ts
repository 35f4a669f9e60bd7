import type { IndexDb } from './indexDb'

/**
 * The vector calls of the store worker (IndexStore sends them; nothing else does): the methods of
 * the database's vector side (VectorDb), each taking one argument object (see protocol.ts). They
 * share the full-text calls' database and its mending (`mended`: a damaged index is rebuilt and
 * the call runs once more; a damaged table starts the database over, makeIndexApi).
 */
export function makeVectorApi(need: () => IndexDb, mended: <R>(f: (d: IndexDb) => Promise<R>) => Promise<R>) {
  return {
    vecFromCache: (a: { hashes: string[] }) => mended((d) => d.vectors.fromCache(a.hashes)),
    vecPut: (a: { items: { hash: string; vector: number[] }[] }) => mended((d) => d.vectors.put(a.items)),
    vecNearest: (a: { vector: number[]; k: number }) => mended((d) => d.vectors.nearest(a.vector, a.k)),
    vecNeedsIndex: () => need().vectors.needsIndex(),
    vecMaintain: () => need().vectors.maintainStep(),
    vecBacklogStep: () => {
      const d = need()
      return d.vectors.stepDuringBacklog(d.stats().pending)
    },
    vecRows: () => need().vectors.rows(),
    vecMissing: (a: { hashes: string[] }) => mended((d) => d.vectors.missing(a.hashes)),
  }
}

export type VectorApi = ReturnType<typeof makeVectorApi>
