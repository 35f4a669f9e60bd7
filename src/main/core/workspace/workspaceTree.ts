import type { Dirent } from 'node:fs'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { TreeEntry } from '@shared/contract/workspace'
import { HearthError } from '@shared/errors'
import { TEMP_MARKER } from '../files/atomicWrite'
import type { IgnoreRules } from '../files/ignoreRules'
import { isInside, type PathGuard } from '../files/pathGuard'

/**
 * Never shown, even flagged: VCS metadata and OS litter nobody edits. Everything else that is
 * ignored (node_modules, dist, a gitignored `.env`) is listed with `ignored: true` so the explorer
 * can grey it out, as VS Code does: people do edit their gitignored `.env`.
 */
export const HIDDEN_NAMES: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', '.DS_Store', 'Thumbs.db'])

/** Above this many entries a listing skips per-entry stat calls (sizes, symlink targets). */
const STAT_LIMIT = 2000

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Natural order ("file2" before "file10"), case-insensitive, with a stable tie-break. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)
}

const childRel = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`)

export interface ListOptions {
  /** Include ignored entries (flagged). Default true. */
  includeIgnored?: boolean
}

/**
 * One directory, dirs first then files, natural order. Listed through the folder the guard opened
 * (see files/confinedDir.ts), so a folder swapped for a link after the check lists nothing outside.
 */
export async function listDir(
  guard: PathGuard,
  rules: IgnoreRules,
  dir: string,
  opts: ListOptions = {},
): Promise<TreeEntry[]> {
  try {
    return await guard.withFolder(dir, async ({ rel, dir: folder }) => {
      let dirents: Dirent[]
      try {
        dirents = await readdir(folder.at(''), { withFileTypes: true })
      } catch (err) {
        throw fsToHearth(err, rel || '.')
      }
      return listEntries(guard, rules, rel, dirents, (name) => folder.at(name), opts)
    })
  } catch (err) {
    throw fsToHearth(err, dir || '.')
  }
}

async function listEntries(
  guard: PathGuard,
  rules: IgnoreRules,
  rel: string,
  dirents: Dirent[],
  at: (name: string) => string,
  opts: ListOptions,
): Promise<TreeEntry[]> {
  const doStat = dirents.length <= STAT_LIMIT
  const entries = await Promise.all(
    dirents
      .filter((d) => !HIDDEN_NAMES.has(d.name) && !d.name.includes(TEMP_MARKER))
      .map(async (d): Promise<TreeEntry | null> => {
        const path = childRel(rel, d.name)
        const full = at(d.name)
        let kind: TreeEntry['kind'] = d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'symlink' : 'file'
        let size: number | undefined
        if (doStat) {
          try {
            if (kind === 'symlink') {
              // A link whose target stays inside the workspace behaves like its target (the guard
              // allows it); one pointing out or nowhere stays a 'symlink' the editor will refuse.
              const real = await realpath(full)
              if (isInside(guard.root, real)) {
                const st = await stat(real)
                kind = st.isDirectory() ? 'dir' : 'file'
                if (!st.isDirectory()) size = st.size
              }
            } else if (kind === 'file') {
              size = (await lstat(full)).size
            }
          } catch {
            // Vanished or unreadable between readdir and stat: list what we know.
          }
        }
        const ignored = rules.isIgnored(path, kind === 'dir')
        if (ignored && opts.includeIgnored === false) return null
        const e: TreeEntry = { name: d.name, path, kind }
        if (size !== undefined) e.size = size
        if (ignored) e.ignored = true
        return e
      }),
  )
  return entries
    .filter((e): e is TreeEntry => e !== null)
    .sort((a, b) =>
      (a.kind === 'dir') === (b.kind === 'dir') ? naturalCompare(a.name, b.name) : a.kind === 'dir' ? -1 : 1,
    )
}

export interface WalkResult {
  paths: string[]
  truncated: boolean
}

/**
 * Every non-ignored file for quick open, breadth-first (shallow files first, which is what a
 * truncated list should keep). Symlinked folders are followed only when they stay inside the
 * workspace, and each real folder is visited once, so link loops end. Unreadable folders are
 * skipped.
 */
export async function walkFiles(
  guard: PathGuard,
  rules: IgnoreRules,
  limit: number,
  signal?: AbortSignal,
): Promise<WalkResult> {
  const paths: string[] = []
  const visited = new Set<string>([guard.root])
  let queue: string[] = ['']
  while (queue.length > 0) {
    const next: string[] = []
    for (const dir of queue) {
      signal?.throwIfAborted()
      let dirents: Dirent[]
      try {
        dirents = await readdir(join(guard.root, dir), { withFileTypes: true })
      } catch {
        continue
      }
      dirents.sort((a, b) => naturalCompare(a.name, b.name))
      for (const d of dirents) {
        if (d.name.includes(TEMP_MARKER)) continue
        const rel = childRel(dir, d.name)
        let isDir = d.isDirectory()
        let isFile = d.isFile()
        if (d.isSymbolicLink()) {
          try {
            const real = await realpath(join(guard.root, rel))
            if (!isInside(guard.root, real)) continue
            const st = await stat(real)
            isDir = st.isDirectory()
            isFile = st.isFile()
            if (isDir) {
              if (visited.has(real)) continue
              visited.add(real)
            }
          } catch {
            continue // dangling link or loop
          }
        } else if (isDir) {
          visited.add(join(guard.root, rel))
        }
        if (rules.isIgnored(rel, isDir)) continue
        if (isDir) next.push(rel)
        else if (isFile) {
          if (paths.length >= limit) return { paths, truncated: true }
          paths.push(rel)
        }
      }
    }
    queue = next
  }
  return { paths, truncated: false }
}

/** Maps a Node fs error to the user-facing error it deserves. */
export function fsToHearth(err: unknown, rel: string): HearthError {
  if (err instanceof HearthError) return err
  const c = typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined
  switch (c) {
    case 'ENOENT':
      return new HearthError('not_found', `${rel} does not exist`)
    case 'ENOTDIR':
      return new HearthError('not_found', `${rel}: a parent is not a folder`)
    case 'EEXIST':
      return new HearthError('invalid_argument', `${rel}: a file is in the way of a folder with that name`)
    case 'EISDIR':
      return new HearthError('invalid_argument', `${rel} is a folder, not a file`)
    case 'EACCES':
    case 'EPERM':
      return new HearthError('forbidden', `${rel}: permission denied`)
    case 'ELOOP':
      return new HearthError('forbidden', `${rel}: symlink loop`)
    case 'ENOSPC':
      return new HearthError('unavailable', `${rel}: the disk is full`)
    case 'EROFS':
      return new HearthError('forbidden', `${rel}: the file system is read-only`)
    case 'ENAMETOOLONG':
      return new HearthError('forbidden', `${rel}: name too long`)
    default:
      return new HearthError('internal', `${rel}: ${err instanceof Error ? err.message : String(err)}`)
  }
}
