import { damageOf } from './storeErrors'
import type { VectorOpenResult } from './storeTypes'
import { VectorDb } from './vectorDb'

/**
 * The vector worker's calls (IndexStore sends them; nothing else does): VectorDb's methods, each
 * taking one argument object (see protocol.ts). Every call but `vecOpen` fails until `vecOpen`
 * and after `close`. A call that fails on a damaged index has it rebuilt and runs once more
 * (VectorDb.repairAfter).
 */
export function makeVectorApi() {
  let db: VectorDb | null = null
  const need = (): VectorDb => {
    if (!db) throw new Error('vector store is not open')
    return db
  }
  const mended = async <R>(f: (d: VectorDb) => Promise<R>): Promise<R> => {
    const d = need()
    try {
      return await f(d)
    } catch (err) {
      if (!damageOf(err)) throw err
      await d.repairAfter(err)
      return f(d)
    }
  }
  return {
    vecOpen: async (a: { dataDir: string | null }): Promise<VectorOpenResult> => {
      const opened = await VectorDb.open(a.dataDir)
      db = opened.db
      return {
        state: opened.state,
        rebuilt: opened.rebuilt,
        cacheKb: opened.cacheKb,
        ...(opened.reindexed ? { reindexed: opened.reindexed } : {}),
      }
    },
    vecSetEmbedder: (a: { id: string; dimensions: number }) => need().setEmbedder(a.id, a.dimensions),
    vecFromCache: (a: { hashes: string[] }) => mended((d) => d.fromCache(a.hashes)),
    vecPut: (a: { items: { hash: string; vector: number[] }[] }) => mended((d) => d.put(a.items)),
    vecNearest: (a: { vector: number[]; k: number }) => mended((d) => d.nearest(a.vector, a.k)),
    vecNeedsIndex: () => need().needsIndex(),
    vecMaintain: () => need().maintainIndex(),
    vecRows: () => need().rows(),
    vecMissing: (a: { hashes: string[] }) => mended((d) => d.missing(a.hashes)),
    close: async (): Promise<null> => {
      const v = db
      db = null
      await v?.close()
      return null
    },
  }
}

export type VectorApi = ReturnType<typeof makeVectorApi>
