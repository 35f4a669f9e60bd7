import { z } from 'zod'
import { method } from './define'

/**
 * The indexes on this machine: one data directory per folder ever opened (in the user data
 * directory's `indexes/`), listed with what they cost, and removable.
 */

/** The process holding an index open (its lock): it may not be removed meanwhile. */
export const IndexHolder = z.object({
  pid: z.number().int(),
  host: z.string(),
  command: z.string(),
  /** This very process (the folder open in this window). */
  self: z.boolean(),
})
export type IndexHolder = z.infer<typeof IndexHolder>

export const IndexEntry = z.object({
  /** The data directory's name (a hash of the folder's path); `hearth indexes rm` takes it. */
  id: z.string(),
  /** The index's data directory. */
  dir: z.string(),
  /**
   * The folder it indexes; null for an index made before Hearth recorded it whose folder is not
   * among the recent folders either.
   */
  folder: z.string().nullable(),
  /** Whether that folder is still there (false too when the folder is unknown). */
  folderExists: z.boolean(),
  /** Bytes on disk, set-aside damaged copies included. */
  bytes: z.number().int().nonnegative(),
  /** Files in the index at its last full scan; null when not recorded. */
  files: z.number().int().nonnegative().nullable(),
  /** When a Hearth process last opened it (ms since epoch). */
  lastUsedAt: z.number().nullable(),
  /** `recorded`: written at each open; `estimated`: the data's last change (an index from before). */
  lastUsedKnown: z.enum(['recorded', 'estimated']),
  inUse: IndexHolder.nullable(),
})
export type IndexEntry = z.infer<typeof IndexEntry>

export const IndexList = z.object({
  /** Where the indexes live. */
  dir: z.string(),
  indexes: z.array(IndexEntry),
  totalBytes: z.number().int().nonnegative(),
})
export type IndexList = z.infer<typeof IndexList>

export const indexesMethods = {
  /** Every index on this machine, most recently used first. */
  'indexes.list': method(z.object({}), IndexList),
  /** Removes one index (not one in use: `busy`, with who holds it). */
  'indexes.remove': method(
    z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'an index id is 16 hex digits') }),
    z.object({ freedBytes: z.number().int().nonnegative() }),
  ),
} as const
