import { constants, type Stats } from 'node:fs'
import * as fsp from 'node:fs/promises'
import { join } from 'node:path'

/*
 * Why this exists: Node has no openat(). PathGuard checks a path's real location, but every later
 * call (open, mkdir, rename, unlink) walks the path again, so a workspace folder swapped for a
 * symlink between the check and the call sends that call outside the workspace.
 *
 * On Linux, `/proc/self/fd/N/name` is resolved from the descriptor N, not from any path: the kernel
 * follows the magic link to the very directory N was opened on and looks `name` up there. So we walk
 * the checked real path from the workspace root down, opening each folder with O_NOFOLLOW through its
 * parent's descriptor, and then name files, temp files and renames through the last descriptor.
 *
 * Guarantee reached (Linux, /proc mounted; probed once, see `procFdWorks`): every open, create,
 * mkdir, rename and unlink that goes through a ConfinedDir happens in a folder reached from the
 * workspace root by real folders only, each opened relative to the previous descriptor. A symlink
 * swapped in at any component, at any moment, makes the operation fail (ELOOP/ENOTDIR → SymlinkSwapped)
 * instead of following it; nothing is read, created or renamed through it. What remains: a folder
 * that was inside when we opened it and is then *moved* (renamed, not swapped for a link) out of the
 * workspace still receives our write, or is read, wherever it now is. Moving it there needs write
 * permission on the destination, so this gives whoever does it nothing they could not do directly.
 *
 * Elsewhere (macOS, Windows: no such links) we fall back to path calls: each component is checked
 * with lstat as the walk goes, files are opened with O_NOFOLLOW, and an opened file's dev/ino must
 * match a fresh lstat of its entry in a folder whose realpath is unchanged. That narrows the window
 * to a parent folder swapped away and back between our open and that check; it does not close it.
 */

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0
const O_DIRECTORY = constants.O_DIRECTORY ?? 0
const DIR_FLAGS = constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW

/** Thrown when a component that was a real folder or file at check time is now a symlink. */
export class SymlinkSwapped extends Error {
  constructor(readonly entry: string) {
    super(`${entry} was replaced by a symlink while it was being opened`)
  }
}

/** A folder inside the workspace, reached without following symlinks. Close it when done. */
export interface ConfinedDir {
  /** Its real path when it was reached (for messages; not used to reach it on Linux). */
  readonly path: string
  /** A path that names `name` in exactly this folder ('' names the folder itself). */
  at(name: string): string
  /**
   * Opens `name` in this folder without following a symlink there (SymlinkSwapped if it is one).
   * O_NOFOLLOW is added to `flags`.
   */
  open(name: string, flags: number, mode?: number): Promise<fsp.FileHandle>
  /** A path naming an opened file itself (for access()), or null where there is none. */
  handlePath(h: fsp.FileHandle): string | null
  close(): Promise<void>
}

let procFd: Promise<boolean> | undefined
let forced: boolean | undefined

/** Tests force the portable path walk on Linux to exercise it; undefined restores the probe. */
export function useProcFdForTests(on: boolean | undefined): void {
  forced = on
}

/** Whether `/proc/self/fd/N/name` reaches into the folder N (Linux with /proc mounted). */
function procFdWorks(): Promise<boolean> {
  if (forced !== undefined) return Promise.resolve(forced)
  if (process.platform !== 'linux') return Promise.resolve(false)
  procFd ??= (async () => {
    let h: fsp.FileHandle | undefined
    try {
      h = await fsp.open('/', DIR_FLAGS)
      const [viaFd, direct] = await Promise.all([fsp.lstat(`/proc/self/fd/${h.fd}/.`), h.stat()])
      return viaFd.ino === direct.ino && viaFd.dev === direct.dev
    } catch {
      return false
    } finally {
      await h?.close().catch(() => undefined)
    }
  })()
  return procFd
}

/**
 * Opens the existing file at `abs` (a real path the guard checked inside the workspace) for
 * reading, without walking its folders: opened with O_NOFOLLOW, then the kernel is asked where the
 * opened file is (`/proc/self/fd/N`). Only if that is still exactly `abs` is the handle returned:
 * whatever was swapped or moved meanwhile, the file read is the one at the checked path. Null
 * where that cannot be proven (no /proc, a symlink swapped in, anything not a regular file, a path
 * the kernel names differently): the caller takes the folder walk, which tells which it was. One
 * file open costs about a third of the walk's calls (a chat question reads a dozen at once).
 */
export async function openCheckedFile(
  abs: string,
  flags: number,
): Promise<{ h: fsp.FileHandle; st: Stats } | null> {
  if (!(await procFdWorks())) return null
  let h: fsp.FileHandle
  try {
    h = await fsp.open(abs, flags | O_NOFOLLOW)
  } catch {
    return null
  }
  try {
    const [st, where] = await Promise.all([h.stat(), fsp.readlink(`/proc/self/fd/${h.fd}`)])
    if (st.isFile() && where === abs) return { h, st }
  } catch {
    // Falls through to the walk, which reports what is wrong.
  }
  await h.close().catch(() => undefined)
  return null
}

/**
 * Opens the folder `root/parts…` (root: a real path; parts: the rest of a checked real path) without
 * following a symlink at any component; with `create`, missing folders are made on the way.
 */
export async function openConfinedDir(
  root: string,
  parts: readonly string[],
  create = false,
): Promise<ConfinedDir> {
  if (!(await procFdWorks())) return openByPath(root, parts, create)
  let h = await fsp.open(root, DIR_FLAGS)
  let path = root
  try {
    for (const part of parts) {
      const next = await openChild(`/proc/self/fd/${h.fd}/${part}`, part, create)
      await h.close()
      h = next
      path = join(path, part)
    }
  } catch (err) {
    await h.close().catch(() => undefined)
    throw err
  }
  return new ProcDir(h, path)
}

async function openChild(p: string, name: string, create: boolean): Promise<fsp.FileHandle> {
  for (let made = false; ; made = true) {
    try {
      return await fsp.open(p, DIR_FLAGS)
    } catch (err) {
      if (code(err) === 'ENOENT' && create && !made) {
        // mkdir does not follow a symlink as its last component: a link here fails EEXIST and the
        // open above then refuses it.
        await fsp.mkdir(p).catch((e: unknown) => {
          if (code(e) !== 'EEXIST') throw e
        })
        continue
      }
      // O_DIRECTORY|O_NOFOLLOW on a symlink fails ENOTDIR (ELOOP on some kernels).
      if ((code(err) === 'ENOTDIR' || code(err) === 'ELOOP') && (await isLink(p)))
        throw new SymlinkSwapped(name)
      throw err
    }
  }
}

class ProcDir implements ConfinedDir {
  constructor(
    private readonly h: fsp.FileHandle,
    readonly path: string,
  ) {}

  at(name: string): string {
    return name === '' ? `/proc/self/fd/${this.h.fd}` : `/proc/self/fd/${this.h.fd}/${name}`
  }

  async open(name: string, flags: number, mode?: number): Promise<fsp.FileHandle> {
    try {
      return await fsp.open(this.at(name), flags | O_NOFOLLOW, mode)
    } catch (err) {
      if (code(err) === 'ELOOP') throw new SymlinkSwapped(name)
      throw err
    }
  }

  handlePath(h: fsp.FileHandle): string {
    return `/proc/self/fd/${h.fd}`
  }

  close(): Promise<void> {
    return this.h.close()
  }
}

async function openByPath(root: string, parts: readonly string[], create: boolean): Promise<ConfinedDir> {
  let path = root
  for (const part of parts) {
    const p = join(path, part)
    const st = await fsp.lstat(p).catch(async (err: unknown) => {
      if (code(err) !== 'ENOENT' || !create) throw err
      await fsp.mkdir(p).catch((e: unknown) => {
        if (code(e) !== 'EEXIST') throw e
      })
      return fsp.lstat(p)
    })
    if (st.isSymbolicLink()) throw new SymlinkSwapped(part)
    if (!st.isDirectory()) throw Object.assign(new Error(`${p} is not a folder`), { code: 'ENOTDIR' })
    path = p
  }
  return new PathDir(path)
}

class PathDir implements ConfinedDir {
  constructor(readonly path: string) {}

  at(name: string): string {
    return name === '' ? this.path : join(this.path, name)
  }

  async open(name: string, flags: number, mode?: number): Promise<fsp.FileHandle> {
    let h: fsp.FileHandle
    try {
      h = await fsp.open(this.at(name), flags | O_NOFOLLOW, mode)
    } catch (err) {
      if (code(err) === 'ELOOP') throw new SymlinkSwapped(name)
      throw err
    }
    try {
      // The best a path API allows: the folder is still where it was, and the opened file is the
      // one its entry names now.
      const [opened, entry, real] = await Promise.all([
        h.stat(),
        fsp.lstat(this.at(name)),
        fsp.realpath(this.path),
      ])
      if (real !== this.path || opened.ino !== entry.ino || opened.dev !== entry.dev)
        throw new SymlinkSwapped(name)
      return h
    } catch (err) {
      await h.close().catch(() => undefined)
      throw err
    }
  }

  handlePath(): null {
    return null
  }

  async close(): Promise<void> {}
}

async function isLink(p: string): Promise<boolean> {
  try {
    return (await fsp.lstat(p)).isSymbolicLink()
  } catch {
    return false
  }
}

function code(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined
}
