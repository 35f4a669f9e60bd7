import type { Dirent } from 'node:fs'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { IgnoreRules } from '../workspace/ignoreRules'
import type { FileCandidate, SkippedFile } from './store/protocol'

export interface WalkResult {
  files: FileCandidate[]
  skipped: SkippedFile[]
}

/**
 * Every indexable file under `root` (workspace-relative, `/`-separated), honouring the same ignore
 * rules as the explorer. Symlinks to files are followed; symlinked folders are followed once (by
 * real path), so a link back up the tree is a "symlink loop" in the summary, not a hang.
 */
export async function walkWorkspace(
  root: string,
  rules: IgnoreRules,
  signal?: AbortSignal,
): Promise<WalkResult> {
  const files: FileCandidate[] = []
  const skipped: SkippedFile[] = []
  const seenDirs = new Set<string>()
  try {
    seenDirs.add(await realpath(root))
  } catch {
    seenDirs.add(root)
  }
  const queue: string[] = ['']
  while (queue.length > 0) {
    signal?.throwIfAborted()
    const dir = queue.shift() ?? ''
    let entries: Dirent[]
    try {
      entries = await readdir(join(root, dir), { withFileTypes: true })
    } catch (err) {
      if (dir)
        skipped.push({
          path: dir,
          reason: `folder unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        })
      continue
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      const rel = dir ? `${dir}/${e.name}` : e.name
      const abs = join(root, rel)
      if (e.isSymbolicLink()) {
        let target
        try {
          target = await stat(abs)
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code
          if (!rules.isIgnored(rel, false)) {
            skipped.push({
              path: rel,
              reason: code === 'ELOOP' ? 'symlink loop' : `broken symlink (${code ?? 'error'})`,
            })
          }
          continue
        }
        if (target.isDirectory()) {
          if (rules.isIgnored(rel, true)) continue
          let real: string
          try {
            real = await realpath(abs)
          } catch {
            skipped.push({ path: rel, reason: 'symlink loop' })
            continue
          }
          if (seenDirs.has(real)) {
            skipped.push({ path: rel, reason: 'symlink loop' })
            continue
          }
          seenDirs.add(real)
          queue.push(rel)
        } else if (target.isFile() && !rules.isIgnored(rel, false)) {
          files.push({ path: rel, size: target.size, mtimeMs: target.mtimeMs })
        }
        continue
      }
      if (e.isDirectory()) {
        if (rules.isIgnored(rel, true)) continue
        try {
          seenDirs.add(await realpath(abs))
        } catch {
          // keep walking; readdir will report it
        }
        queue.push(rel)
      } else if (e.isFile()) {
        if (rules.isIgnored(rel, false)) continue
        try {
          const st = await lstat(abs)
          files.push({ path: rel, size: st.size, mtimeMs: st.mtimeMs })
        } catch (err) {
          skipped.push({
            path: rel,
            reason: `unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
          })
        }
      }
    }
  }
  return { files, skipped }
}
