import { mkdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { IndexDb } from '../../../src/main/core/index/store/indexDb'

/**
 * Writes `files` (workspace-relative path → text) under `root` and indexes them straight into
 * `db`, in the indexer's batch size, without a watcher or the store worker. Term statistics are
 * left to the caller (tests differ in whether they want a forced refresh).
 */
export async function writeAndIndex(db: IndexDb, root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), text)
  }
  const candidates = await Promise.all(
    Object.keys(files).map(async (path) => {
      const st = await stat(join(root, path))
      return { path, size: st.size, mtimeMs: st.mtimeMs }
    }),
  )
  for (let i = 0; i < candidates.length; i += 256) await db.indexFiles(root, candidates.slice(i, i + 256))
}
