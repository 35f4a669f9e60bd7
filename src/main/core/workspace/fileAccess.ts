import { constants, type Stats } from 'node:fs'
import { access, lstat, type FileHandle } from 'node:fs/promises'
import { HearthError } from '@shared/errors'
import { atomicWrite, type AtomicWriteFs } from '../files/atomicWrite'
import { openCheckedFile, SymlinkSwapped, type ConfinedDir } from '../files/confinedDir'
import {
  type GuardedPath,
  isCode,
  normalizeRelPath,
  type OpenedParent,
  type PathGuard,
} from '../files/pathGuard'
import { contentHash, makeVersion, versionHash } from '../files/textCodec'
import { fsToHearth } from './workspaceTree'

/** Files above this are not opened at all, and no save may write more (what is saved must reopen). */
export const MAX_OPEN_BYTES = 5 * 1024 * 1024
/** Files above this open read-only: Monaco slows down and tokenisation is switched off there. */
export const MAX_EDIT_BYTES = 1024 * 1024

/** O_NONBLOCK: opening a FIFO someone left in the workspace must not hang the core. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/*
 * Every file access of the workspace service goes through here, and every one of them names its
 * file through a ConfinedDir (see files/confinedDir.ts for the guarantee and what remains): the
 * path is checked by the guard, its folder opened without following symlinks, and the file opened,
 * created, renamed or removed in that folder only.
 */

export interface ReadResult {
  rel: string
  buf: Buffer
  mtimeMs: number
  /** Whether the user may write the file (its own permission, not the folder's). */
  writable: boolean
}

export async function readFile(guard: PathGuard, path: string): Promise<ReadResult> {
  const quick = await readChecked(guard, path)
  if (quick) return quick
  return confined(guard, path, false, async ({ rel, name, dir }) => {
    const entry = await openEntry(dir, name)
    if (entry === 'missing') throw new HearthError('not_found', `${rel} does not exist`)
    if (entry === 'dir') throw folderError(rel)
    if (entry === 'other') throw new HearthError('forbidden', `${rel} is not a regular file`)
    const { h, st } = entry
    try {
      if (st.size > MAX_OPEN_BYTES) throw tooLarge(rel, st.size)
      const buf = await h.readFile()
      if (buf.length > MAX_OPEN_BYTES) throw tooLarge(rel, buf.length) // grew between stat and read
      return { rel, buf, mtimeMs: st.mtimeMs, writable: await canWrite(dir, h, name) }
    } finally {
      await h.close()
    }
  })
}

/**
 * readFile without the folder walk where the kernel can say where the opened file is
 * (openCheckedFile); null sends the caller the walk's way (a missing file, a folder, a symlink
 * swapped in, no /proc: the walk gives each its own answer).
 */
async function readChecked(guard: PathGuard, path: string): Promise<ReadResult | null> {
  let g: GuardedPath
  try {
    g = await guard.resolve(path)
  } catch (err) {
    throw fsToHearth(err, safeRel(path))
  }
  const opened = g.exists ? await openCheckedFile(g.abs, READ_FLAGS) : null
  if (!opened) return null
  const { h, st } = opened
  try {
    if (st.size > MAX_OPEN_BYTES) throw tooLarge(g.rel, st.size)
    const buf = await h.readFile()
    if (buf.length > MAX_OPEN_BYTES) throw tooLarge(g.rel, buf.length)
    const writable = await access(`/proc/self/fd/${h.fd}`, constants.W_OK).then(
      () => true,
      () => false,
    )
    return { rel: g.rel, buf, mtimeMs: st.mtimeMs, writable }
  } catch (err) {
    throw fsToHearth(err, g.rel)
  } finally {
    await h.close()
  }
}

export interface SaveRequest {
  path: string
  data: Uint8Array
  baseVersion?: string | undefined
}

/**
 * Atomic save with conflict detection. Missing folders are made on the way (each through its
 * parent's descriptor), the temp file is created O_EXCL|O_NOFOLLOW in the checked folder, and the
 * rename and any cleanup name that same folder, so a failure or a refusal leaves no temp file.
 */
export async function saveFile(
  guard: PathGuard,
  req: SaveRequest,
  fs: AtomicWriteFs | undefined,
): Promise<{ rel: string; version: string }> {
  // What is saved must open again: refuse before making folders or temp files.
  if (req.data.length > MAX_OPEN_BYTES) {
    throw new HearthError(
      'too_large',
      `${safeRel(req.path)} is too large to save (${mb(req.data.length)}; files over ${mb(MAX_OPEN_BYTES)} cannot be opened again)`,
    )
  }
  return confined(guard, req.path, true, async ({ rel, name, dir }) => {
    if (name === '') throw folderError(rel)
    const entry = await openEntry(dir, name)
    if (entry === 'dir') throw folderError(rel)
    if (entry === 'other') throw new HearthError('forbidden', `${rel} is not a regular file`)
    if (entry !== 'missing') {
      try {
        if (req.baseVersion !== undefined) await checkNoConflict(rel, entry.h, entry.st, req.baseVersion)
        // The rename of an atomic save needs only folder permission, so it would silently replace a
        // file the user cannot write. Respect the file's own permission, as the read side reported it.
        if (!(await canWrite(dir, entry.h, name)))
          throw new HearthError('forbidden', `${rel} is read-only: you do not have permission to write it`)
      } finally {
        await entry.h.close()
      }
    }
    await atomicWrite(dir.at(name), req.data, fs ? { fs } : {})
    const st = await lstat(dir.at(name))
    return { rel, version: makeVersion(st.mtimeMs, req.data.length, contentHash(req.data)) }
  })
}

/** The on-disk version in file.read's format, or null when the file is gone (or not a file). */
export async function currentVersion(guard: PathGuard, path: string): Promise<string | null> {
  try {
    return await guard.withParent(path, false, async ({ name, dir }) => {
      const entry = await openEntry(dir, name)
      if (typeof entry === 'string') return null
      try {
        if (entry.st.size > MAX_OPEN_BYTES) return makeVersion(entry.st.mtimeMs, entry.st.size, '')
        const buf = await entry.h.readFile()
        return makeVersion(entry.st.mtimeMs, buf.length, contentHash(buf))
      } finally {
        await entry.h.close()
      }
    })
  } catch (err) {
    if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return null
    throw err
  }
}

type Entry = { h: FileHandle; st: Stats } | 'missing' | 'dir' | 'other'

/**
 * Opens `name` in `dir` when it is a regular file. The lstat first keeps us from opening devices or
 * FIFOs at all; the fstat after proves the opened file is still a regular one. A symlink where the
 * guard saw the real entry is a swap (SymlinkSwapped, checked again by the guard).
 */
async function openEntry(dir: ConfinedDir, name: string): Promise<Entry> {
  if (name === '') return 'dir'
  let pre: Stats
  try {
    pre = await lstat(dir.at(name))
  } catch (err) {
    if (isCode(err, 'ENOENT')) return 'missing'
    throw err
  }
  if (pre.isSymbolicLink()) throw new SymlinkSwapped(name)
  if (pre.isDirectory()) return 'dir'
  if (!pre.isFile()) return 'other'
  let h: FileHandle
  try {
    h = await dir.open(name, READ_FLAGS)
  } catch (err) {
    if (isCode(err, 'ENOENT')) return 'missing'
    throw err
  }
  try {
    const st = await h.stat()
    if (st.isFile()) return { h, st }
    await h.close()
    return st.isDirectory() ? 'dir' : 'other'
  } catch (err) {
    await h.close().catch(() => undefined)
    throw err
  }
}

async function checkNoConflict(rel: string, h: FileHandle, st: Stats, baseVersion: string): Promise<void> {
  const onDisk = await h.readFile()
  const hash = contentHash(onDisk)
  const current = makeVersion(st.mtimeMs, onDisk.length, hash)
  // Same bytes under a new mtime (a `touch`, a checkout of the same content) is not a conflict.
  if (current === baseVersion || versionHash(baseVersion) === hash) return
  throw new HearthError('conflict', `${rel} was changed on disk since it was opened`, {
    currentVersion: current,
  })
}

async function canWrite(dir: ConfinedDir, h: FileHandle, name: string): Promise<boolean> {
  try {
    await access(dir.handlePath(h) ?? dir.at(name), constants.W_OK)
    return true
  } catch {
    return false
  }
}

/** guard.withParent with fs errors turned into the user-facing ones, swaps left for the guard. */
async function confined<T>(
  guard: PathGuard,
  path: string,
  create: boolean,
  fn: (p: OpenedParent) => Promise<T>,
): Promise<T> {
  try {
    return await guard.withParent(path, create, async (p) => {
      try {
        return await fn(p)
      } catch (err) {
        throw err instanceof SymlinkSwapped ? err : fsToHearth(err, p.rel)
      }
    })
  } catch (err) {
    throw fsToHearth(err, safeRel(path))
  }
}

function safeRel(path: string): string {
  try {
    return normalizeRelPath(path)
  } catch {
    return path.slice(0, 200)
  }
}

const folderError = (rel: string): HearthError =>
  new HearthError('invalid_argument', `${rel || '.'} is a folder, not a file`)

export const mb = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MB`

const tooLarge = (rel: string, size: number): HearthError =>
  new HearthError(
    'too_large',
    `${rel} is too large to open (${mb(size)}; the limit is ${mb(MAX_OPEN_BYTES)})`,
  )
