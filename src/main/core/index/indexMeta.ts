import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { atomicWrite } from '../files/atomicWrite'
import { PRIVATE_FILE_MODE } from '../files/dataDir'

/**
 * A small record beside each index's databases: which folder it indexes, when a Hearth process
 * last opened it, and how many files its last full scan left in it. `hearth indexes` and the
 * settings' index list read it without opening the databases (which would take the index's lock
 * and seconds); the removal of unused indexes goes by its `lastUsedAt`.
 */
export const META_FILE = 'hearth-index.json'

export interface IndexMeta {
  version: 1
  /** The canonical folder path (indexDirFor's input). */
  root: string
  /** ISO time of the last open. */
  lastUsedAt: string
  /** Files after the last full scan; absent until one finished. */
  files?: number
}

export function readIndexMeta(dbDir: string): IndexMeta | null {
  try {
    const v = JSON.parse(readFileSync(join(dbDir, META_FILE), 'utf8')) as Partial<IndexMeta>
    if (typeof v.root !== 'string' || typeof v.lastUsedAt !== 'string') return null
    return {
      version: 1,
      root: v.root,
      lastUsedAt: v.lastUsedAt,
      ...(typeof v.files === 'number' ? { files: v.files } : {}),
    }
  } catch {
    return null
  }
}

/**
 * Records that `root`'s index at `dbDir` is in use now (and, after a scan, its file count). Never
 * throws: a record that could not be written (a full disk) must not stop the index; the list then
 * shows the previous time.
 */
export async function recordIndexUse(dbDir: string, root: string, files?: number): Promise<void> {
  const prev = readIndexMeta(dbDir)
  const kept = files ?? (prev?.root === root ? prev.files : undefined)
  const meta: IndexMeta = {
    version: 1,
    root,
    lastUsedAt: new Date().toISOString(),
    ...(kept !== undefined ? { files: kept } : {}),
  }
  try {
    await atomicWrite(join(dbDir, META_FILE), Buffer.from(`${JSON.stringify(meta)}\n`), {
      mode: PRIVATE_FILE_MODE,
    })
  } catch {
    // See above: the record is a convenience.
  }
}
