import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { defaultDataDir } from '../files/dataDir'

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
