import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { defaultDataDir } from '../files/dataDir'
import { treeBytes } from './store/diskSpace'
import { setAsideCopies } from './store/setAside'

/** Canonical workspace path: the same folder reached through a symlink gets the same index. */
export function canonicalRoot(root: string): string {
  const abs = resolve(root)
  try {
    return realpathSync(abs)
  } catch {
    return abs
  }
}

/** `<user data>/indexes/<hash of the workspace path>`: one index per workspace, shared by app, CLI and server. */
export function indexDirFor(workspaceRoot: string, dataDir: string = defaultDataDir()): string {
  const id = createHash('sha256').update(canonicalRoot(workspaceRoot)).digest('hex').slice(0, 16)
  return join(dataDir, 'indexes', id)
}

/**
 * What an index takes on disk, set-aside copies included (a damaged database is renamed aside
 * beside the new one, one copy kept: see store/setAside.ts), so the size the user is shown is what
 * the disk lost.
 */
export function indexDiskUsage(dbDir: string): {
  bytes: number
  setAside: { path: string; bytes: number }[]
} {
  const setAside = ['pg', 'vectors']
    .flatMap((db) => setAsideCopies(join(dbDir, db)))
    .map((path) => ({ path, bytes: treeBytes(path) }))
  return { bytes: treeBytes(dbDir), setAside }
}
