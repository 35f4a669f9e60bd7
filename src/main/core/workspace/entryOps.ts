import { constants, type Stats } from 'node:fs'
import {
  link,
  lstat,
  mkdir,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  symlink,
  unlink,
} from 'node:fs/promises'
import { join } from 'node:path'
import type { DeleteResult } from '@shared/contract/workspace'
import { HearthError } from '@shared/errors'
import { TEMP_MARKER } from '../files/atomicWrite'
import { SymlinkSwapped, type ConfinedDir } from '../files/confinedDir'
import { isCode, isInside, normalizeRelPath, type PathGuard } from '../files/pathGuard'
import type { TrashPort } from './trash'
import { fsToHearth } from './workspaceTree'

/*
 * Create, rename/move and delete for the explorer. Every entry is named through a ConfinedDir of
 * its parent folder (see files/confinedDir.ts): the folders on the way are checked by the guard and
 * opened without following links, so nothing is created, moved or removed outside the workspace
 * even if a folder is swapped for a link meanwhile. The entry itself is never followed: a link is
 * renamed or deleted as a link, and its target is left alone.
 */

export type EntryKind = 'file' | 'dir' | 'symlink'

interface Split {
  rel: string
  parent: string
  name: string
}

/** `a/b/c` → parent `a/b`, name `c`; the root itself has no name and is refused. */
function split(path: string, what: string): Split {
  const rel = normalizeRelPath(path)
  if (rel === '') throw new HearthError('forbidden', `cannot ${what} the workspace folder itself`)
  const i = rel.lastIndexOf('/')
  const name = rel.slice(i + 1)
  // atomicWrite's temp names are hidden from the explorer and skipped by the index.
  if (name.includes(TEMP_MARKER)) throw new HearthError('invalid_argument', `"${name}" is a reserved name`)
  return { rel, parent: i < 0 ? '' : rel.slice(0, i), name }
}

const kindOf = (st: Stats): EntryKind => (st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : 'file')

async function lstatOrNull(p: string): Promise<Stats | null> {
  try {
    return await lstat(p)
  } catch (err) {
    if (isCode(err, 'ENOENT')) return null
    throw err
  }
}

/** guard.withFolder on the parent, with fs errors turned into sentences about `rel`. */
async function inParent<T>(guard: PathGuard, s: Split, fn: (dir: ConfinedDir) => Promise<T>): Promise<T> {
  try {
    return await guard.withFolder(s.parent, async ({ dir }) => {
      try {
        return await fn(dir)
      } catch (err) {
        throw err instanceof SymlinkSwapped ? err : opError(err, s.rel)
      }
    })
  } catch (err) {
    throw opError(err, s.parent === '' ? s.rel : s.parent)
  }
}

/** Creates an empty file (O_EXCL) or a folder in an existing folder; a taken name is a `conflict`. */
export async function createEntry(
  guard: PathGuard,
  path: string,
  kind: 'file' | 'dir',
): Promise<{ rel: string }> {
  const s = split(path, 'create')
  return inParent(guard, s, async (dir) => {
    try {
      if (kind === 'dir') await mkdir(dir.at(s.name))
      else
        await (
          await dir.open(s.name, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666)
        ).close()
    } catch (err) {
      if (isCode(err, 'EEXIST') || err instanceof SymlinkSwapped) throw exists(s.rel)
      throw err
    }
    return { rel: s.rel }
  })
}

/**
 * Renames or moves `from` to `to` (full paths). Never replaces anything: a taken `to` is a
 * `conflict`, except a change of case only on a case-insensitive file system, which goes through
 * a temp name there. Node has no no-replace rename, so a file is moved as link + unlink and a link
 * as a new link + unlink: creating the new name refuses a taken one in the same step (EEXIST), so
 * nothing that appears there meanwhile is replaced. A folder is renamed after a check: the kernel
 * refuses a non-empty folder in the way (ENOTEMPTY), and only an empty folder created in that
 * moment could be replaced.
 */
export async function renameEntry(
  guard: PathGuard,
  from: string,
  to: string,
): Promise<{ from: string; to: string; kind: EntryKind }> {
  const src = split(from, 'rename')
  const dst = split(to, 'rename')
  if (dst.rel === src.rel || dst.rel.startsWith(`${src.rel}/`)) {
    if (dst.rel === src.rel) {
      const st = await inParent(guard, src, (dir) => lstat(dir.at(src.name)))
      return { from: src.rel, to: dst.rel, kind: kindOf(st) }
    }
    throw new HearthError('forbidden', `cannot move ${src.rel} into itself`)
  }
  return inParent(guard, src, async (sdir) => {
    const st = await lstatOrNull(sdir.at(src.name))
    if (!st) throw new HearthError('not_found', `${src.rel} does not exist`)
    const kind = kindOf(st)
    return inParent(guard, dst, async (ddir) => {
      // A folder reached through a link inside the workspace may still be the source folder itself.
      if (kind === 'dir' && isInside(join(sdir.path, src.name), ddir.path))
        throw new HearthError('forbidden', `cannot move ${src.rel} into itself`)
      const there = await lstatOrNull(ddir.at(dst.name))
      if (there) {
        if (!(await isCaseOnlyRename(st, there, sdir, ddir, src.name, dst.name))) throw exists(dst.rel)
        // Case-insensitive file system: `a.ts` → `A.ts` names the same entry. Some file systems
        // ignore a direct rename that only changes case, so go through a temp name.
        const tmp = `${src.name}${TEMP_MARKER}rename`
        await rename(sdir.at(src.name), sdir.at(tmp))
        try {
          await rename(sdir.at(tmp), ddir.at(dst.name))
        } catch (err) {
          await rename(sdir.at(tmp), sdir.at(src.name)).catch(() => undefined)
          throw err
        }
      } else if (kind === 'dir') {
        await rename(sdir.at(src.name), ddir.at(dst.name))
      } else {
        await moveNoReplace(kind, sdir.at(src.name), ddir.at(dst.name), dst.rel)
      }
      return { from: src.rel, to: dst.rel, kind }
    })
  })
}

/** Where hard or symbolic links cannot be made (FAT, some network and FUSE file systems, Windows). */
const NO_LINKS = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']

/**
 * Moves a file or a link without replacing anything at `to`: the new name is made first (a hard
 * link to the same file, or a link with the same target), which fails with EEXIST when taken,
 * then the old name goes. Where links cannot be made, a check and a rename (a narrow window).
 */
export async function moveNoReplace(
  kind: 'file' | 'symlink',
  from: string,
  to: string,
  rel: string,
): Promise<void> {
  try {
    // A hard link to a link would follow it on some systems (macOS): make a new link instead.
    if (kind === 'file') await link(from, to)
    else await symlink(await readlink(from), to)
  } catch (err) {
    if (isCode(err, 'EEXIST')) throw exists(rel)
    if (!NO_LINKS.some((c) => isCode(err, c))) throw err
    if (await lstatOrNull(to)) throw exists(rel)
    await rename(from, to)
    return
  }
  try {
    await unlink(from)
  } catch (err) {
    // Both names lead to it now; take the new one back so the move did nothing.
    await unlink(to).catch(() => undefined)
    throw err
  }
}

/**
 * The name exists only because the file system ignores case: same folder, same entry (device and
 * inode), and the folder's listing holds the old spelling but not the new one (a hard link with the
 * new spelling on a case-sensitive file system is a real, different name, and is refused).
 */
async function isCaseOnlyRename(
  st: Stats,
  there: Stats,
  sdir: ConfinedDir,
  ddir: ConfinedDir,
  from: string,
  to: string,
): Promise<boolean> {
  if (sdir.path !== ddir.path || from.toLowerCase() !== to.toLowerCase() || from === to) return false
  if (st.dev !== there.dev || st.ino !== there.ino) return false
  const names = await readdir(sdir.at(''))
  return names.includes(from) && !names.includes(to)
}

export interface DeleteOptions {
  permanent?: boolean | undefined
  trash: TrashPort
}

/**
 * Moves an entry to the OS trash, or removes it for good with `permanent`. When the trash cannot
 * take it, nothing is deleted and the answer is `noTrash` with the reason, so the user can choose.
 */
export async function deleteEntry(
  guard: PathGuard,
  path: string,
  opts: DeleteOptions,
): Promise<DeleteResult> {
  const s = split(path, 'delete')
  return inParent(guard, s, async (dir) => {
    const st = await lstatOrNull(dir.at(s.name))
    if (!st) throw new HearthError('not_found', `${s.rel} does not exist`)
    const kind = kindOf(st)
    if (opts.permanent) {
      // rm does not follow links inside the tree it removes; a link itself is unlinked.
      await rm(dir.at(s.name), { recursive: kind === 'dir' })
      return { path: s.rel, kind, outcome: 'deleted' }
    }
    // The trash works on paths. Name the entry by its real path, and check that this path still
    // reaches the very entry held through the folder's descriptor (no folder swapped meanwhile).
    const abs = join(dir.path, s.name)
    const [real, byPath] = await Promise.all([realpath(dir.path), lstatOrNull(abs)])
    if (real !== dir.path || !byPath || byPath.dev !== st.dev || byPath.ino !== st.ino)
      throw new SymlinkSwapped(s.name)
    try {
      await opts.trash.trash(abs)
    } catch (err) {
      return { path: s.rel, kind, outcome: 'noTrash', reason: trashReason(err) }
    }
    // `trash` ignores a path it cannot see; make sure the entry really left.
    if (await lstatOrNull(dir.at(s.name)))
      return { path: s.rel, kind, outcome: 'noTrash', reason: 'the trash did not take it' }
    return { path: s.rel, kind, outcome: 'trashed' }
  })
}

function trashReason(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  const msg = err instanceof Error ? err.message : String(err)
  const short = typeof code === 'string' ? `${code}: ${msg}` : msg
  return `the system trash is not available here (${short.slice(0, 200)})`
}

const exists = (rel: string): HearthError =>
  new HearthError('conflict', `${rel} already exists: choose another name`)

/** fsToHearth plus the errors only moves and deletes meet. */
function opError(err: unknown, rel: string): HearthError {
  if (err instanceof HearthError) return err
  if (isCode(err, 'EXDEV'))
    return new HearthError(
      'unavailable',
      `${rel}: cannot move between disks (the target is on another file system)`,
    )
  if (isCode(err, 'EINVAL')) return new HearthError('forbidden', `cannot move ${rel} into itself`)
  if (isCode(err, 'ENOTEMPTY') || isCode(err, 'EEXIST')) return exists(rel)
  if (isCode(err, 'EBUSY')) return new HearthError('busy', `${rel} is in use by another program`)
  return fsToHearth(err, rel)
}
