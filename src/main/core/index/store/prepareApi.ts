import { packBatch } from './packedBatch'
import { prepareBatch } from './prepareBatch'
import type { PackedBatch, PrepareCandidate } from './storeTypes'

/**
 * The prepare worker's calls: the CPU half of indexing (read, hash, chunk), which needs no
 * database, so it overlaps the store's writes. The full-text worker answers them too (the
 * fallback when this worker died). Each call takes one argument object (see protocol.ts).
 */
export function makePrepareApi() {
  return {
    /** The batch serialized, its buffer transferred (packedBatch.ts), never cloned. */
    prepareFiles: (a: { root: string; files: PrepareCandidate[]; force?: boolean }): PackedBatch => {
      const prev = new Map(a.files.flatMap((f) => (f.prev ? [[f.path, f.prev] as const] : [])))
      return packBatch(prepareBatch(a.root, a.files, (p) => prev.get(p), a.force))
    },
  }
}

export type PrepareApi = ReturnType<typeof makePrepareApi>
