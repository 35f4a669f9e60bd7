import type { indexesMethods } from '@shared/contract/indexes'
import type { HandlersFor } from '../rpc/handlers'
import { gcIndexes, listIndexes, removeIndex, type GcResult } from './indexRegistry'

export interface IndexesHandlerOptions {
  /** The user data directory (indexes live in its `indexes/`). */
  dataDir: string
  /** The recent folders: they name indexes made before Hearth recorded their folder. */
  recentFolders: () => Promise<string[]>
}

/** `indexes.list` and `indexes.remove` for the settings' index list. */
export function indexesHandlers(o: IndexesHandlerOptions): HandlersFor<keyof typeof indexesMethods> {
  return {
    'indexes.list': async () => listIndexes(o.dataDir, await o.recentFolders().catch(() => [])),
    'indexes.remove': ({ id }) => removeIndex(o.dataDir, id),
  }
}

/**
 * `index.removeUnusedAfterDays` at start: removes the indexes of folders not opened for that
 * many days (never one in use: the one this process opens holds its lock). Null: nothing.
 */
export async function removeUnusedIndexes(
  o: IndexesHandlerOptions & { days: number | null; current: string | null },
): Promise<GcResult | null> {
  if (o.days === null) return null
  const knownFolders = await o.recentFolders().catch(() => [])
  // The open folder, and the last one (the window reopens it), stay whatever their age.
  const keep = [o.current, knownFolders[0] ?? null]
  return gcIndexes(o.dataDir, { olderThanDays: o.days, knownFolders, keep })
}
