import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, sep } from 'node:path'

// Imports nothing but node: this runs in the index's prepare worker, which loads its modules
// one by one from source under vitest and cannot resolve the `@shared` alias pathGuard.ts uses.

/** Why a link is not followed: the same rule as PathGuard's for `file.read`. */
export const OUTSIDE_LINK_REASON = 'symlink to outside the workspace'

/** True when `abs` is `root` or below it (both absolute, already real): PathGuard's isInside. */
export function isInside(root: string, abs: string): boolean {
  const r = relative(root, abs)
  if (r === '') return true
  if (isAbsolute(r)) return false // another drive on Windows
  return r.split(sep)[0] !== '..'
}

const errCode = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? 'error'

/** The root's real path, or the root as given when it cannot be resolved (deleted meanwhile). */
export async function realRoot(root: string): Promise<string> {
  try {
    return await realpath(root)
  } catch {
    return root
  }
}

export function realRootSync(root: string): string {
  try {
    return realpathSync.native(root)
  } catch {
    return root
  }
}

export type StatInside = { ok: true; st: Stats } | { ok: false; reason: string; missing?: true }

/**
 * Stats `abs` through any links, if its real path lies inside `root` (a real path). Metadata only,
 * for deciding whether a changed path is a candidate; the read itself checks again (openInsideSync).
 */
export async function statInside(root: string, abs: string): Promise<StatInside> {
  try {
    const real = await realpath(abs)
    if (!isInside(root, real)) return { ok: false, reason: OUTSIDE_LINK_REASON }
    return { ok: true, st: await stat(real) }
  } catch (err) {
    const code = errCode(err)
    if (code === 'ELOOP') return { ok: false, reason: 'symlink loop' }
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? { ok: false, reason: `missing (${code})`, missing: true }
      : { ok: false, reason: `unreadable (${code})` }
  }
}

export type OpenedInside = { ok: true; fd: number } | { ok: false; reason: string }

// O_NOFOLLOW: the last component cannot become a link between the check and the open. O_NONBLOCK:
// a file swapped for a FIFO must not hang the reader in open(). (Both 0 where the platform lacks them.)
const FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)

/**
 * Opens `abs` for reading only if what is opened really lies inside `realRoot` (a real path): a
 * symlink, at any depth, whose target leaves the workspace is refused without being read, and so is
 * a file or folder swapped for such a link between the walk and the read. Links that stay inside
 * are followed. Returns the open descriptor (the caller closes it) or why it was not opened.
 *
 * The check is made on the opened descriptor, not only on the path before opening: on Linux by
 * reading back where `/proc/self/fd/N` points; elsewhere by resolving the path again after the
 * open and comparing device and inode with the descriptor's, so a swap before the open (and one
 * swapped back after it) is caught too.
 */
export function openInsideSync(root: string, abs: string): OpenedInside {
  let real: string
  try {
    real = realpathSync.native(abs)
  } catch (err) {
    const code = errCode(err)
    return { ok: false, reason: code === 'ELOOP' ? 'symlink loop' : `unreadable (${code})` }
  }
  if (!isInside(root, real)) return { ok: false, reason: OUTSIDE_LINK_REASON }
  let fd: number
  try {
    fd = openSync(real, FLAGS)
  } catch (err) {
    const code = errCode(err)
    // The resolved path's last component was a file a moment ago; now it is a link.
    return {
      ok: false,
      reason: code === 'ELOOP' ? 'replaced by a symlink while indexing' : `unreadable (${code})`,
    }
  }
  let inside: boolean
  try {
    inside = openedInside(root, fd, real)
  } catch {
    inside = false
  }
  if (inside) return { ok: true, fd }
  closeSync(fd)
  return { ok: false, reason: OUTSIDE_LINK_REASON }
}

function openedInside(root: string, fd: number, real: string): boolean {
  let opened: string | null = null
  try {
    opened = readlinkSync(`/proc/self/fd/${fd}`)
  } catch {
    opened = null // no /proc (macOS, Windows)
  }
  if (opened !== null && opened.startsWith('/')) return isInside(root, opened)
  const again = realpathSync.native(real)
  if (!isInside(root, again)) return false
  const a = fstatSync(fd)
  const b = statSync(again)
  return a.dev === b.dev && a.ino === b.ino
}
