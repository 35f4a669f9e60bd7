import type { VectorOpenResult } from './storeTypes'
import { VectorDb } from './vectorDb'

/**
 * The vector worker's calls (IndexStore sends them; nothing else does): VectorDb's methods, each
 * taking one argument object (see protocol.ts). Every call but `vecOpen` fails until `vecOpen`
 * and after `close`.
 */
export function makeVectorApi() {
  let db: VectorDb | null = null
  const need = (): VectorDb => {
    if (!db) throw new Error('vector store is not open')
    return db
  }
  return {
    vecOpen: async (a: { dataDir: string | null }): Promise<VectorOpenResult> => {
      const opened = await VectorDb.open(a.dataDir)
      db = opened.db
      return { state: opened.state, rebuilt: opened.rebuilt, cacheKb: opened.cacheKb }
    },
    vecSetEmbedder: (a: { id: string; dimensions: number }) => need().setEmbedder(a.id, a.dimensions),
    vecFromCache: (a: { hashes: string[] }) => need().fromCache(a.hashes),
    vecPut: (a: { items: { hash: string; vector: number[] }[] }) => need().put(a.items),
    vecNearest: (a: { vector: number[]; k: number }) => need().nearest(a.vector, a.k),
    vecNeedsIndex: () => need().needsIndex(),
    vecMaintain: () => need().maintainIndex(),
    vecRows: () => need().rows(),
    vecMissing: (a: { hashes: string[] }) => need().missing(a.hashes),
    close: async (): Promise<null> => {
      const v = db
      db = null
      await v?.close()
      return null
    },
  }
}

export type VectorApi = ReturnType<typeof makeVectorApi>
