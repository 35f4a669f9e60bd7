import { randomBytes } from 'node:crypto'
import { constants, type Stats } from 'node:fs'
import * as fsp from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Marker in temp-file names: the watcher and the tree never show files containing it. */
export const TEMP_MARKER = '.hearth-tmp-'

/** The part of an open file handle atomicWrite uses. */
export interface WritableHandle {
  write(
    buf: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<{ bytesWritten: number }>
  sync(): Promise<void>
  truncate(len?: number): Promise<void>
  close(): Promise<void>
}

/**
 * The few file-system calls an atomic save needs. Production uses node:fs/promises; tests wrap it to
 * make a call fail midway (a full disk, a yanked drive) and check that nothing was lost.
 */
export interface AtomicWriteFs {
  open(path: string, flags: number, mode?: number): Promise<WritableHandle>
  stat(path: string): Promise<Stats>
  rename(from: string, to: string): Promise<void>
  unlink(path: string): Promise<void>
  chmod(path: string, mode: number): Promise<void>
  chown(path: string, uid: number, gid: number): Promise<void>
}

export const nodeAtomicFs: AtomicWriteFs = {
  open: (p, flags, mode) => fsp.open(p, flags, mode),
  stat: (p) => fsp.stat(p),
  rename: (a, b) => fsp.rename(a, b),
  unlink: (p) => fsp.unlink(p),
  chmod: (p, m) => fsp.chmod(p, m),
  chown: (p, u, g) => fsp.chown(p, u, g),
}

export function tempPathFor(target: string): string {
  // Keep the name short (the target's own name may already be 255 bytes) but recognisable.
  const hint = basename(target).slice(0, 32)
  return join(dirname(target), `.${hint}${TEMP_MARKER}${randomBytes(6).toString('hex')}`)
}

async function writeAll(h: WritableHandle, data: Uint8Array): Promise<void> {
  let off = 0
  while (off < data.length) {
    const { bytesWritten } = await h.write(data, off, data.length - off, off)
    if (bytesWritten <= 0) throw new Error('write made no progress')
    off += bytesWritten
  }
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0
/** A fresh temp file: never an existing file, never through a symlink planted under its name. */
export const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW
/** The in-place fallback writes the entry itself, never a file a symlink there points to. */
export const IN_PLACE_FLAGS = constants.O_RDWR | O_NOFOLLOW

export interface AtomicWriteOptions {
  /** File-system calls (tests inject failures). */
  fs?: AtomicWriteFs
  /**
   * Permission bits of the written file, new or replaced (e.g. 0o600 for files only the user may
   * read). Without it a new file gets 0o666 less the umask and a replaced one keeps its bits.
   */
  mode?: number
}

const code = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null ? ((err as { code?: string }).code ?? undefined) : undefined

/**
 * Replaces `target` with `data` so that a reader (or a crash) sees either the old bytes or the new
 * ones, never a mix: temp file in the same folder (same file system, so rename is atomic), fsync,
 * rename over the target, fsync the folder so the rename itself is durable. The target's permission
 * bits (and owner, where we may) are kept. On failure the temp file is removed and the old file is
 * untouched.
 *
 * `target` must be the real path (symlinks resolved): renaming over a symlink would replace the link.
 * Every call names the temp file and the target through `dirname(target)`, so a target given as
 * `ConfinedDir.at(name)` keeps the temp file, the rename and the cleanup in that very folder.
 */
export async function atomicWrite(
  target: string,
  data: Uint8Array,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const fs = opts.fs ?? nodeAtomicFs
  let old: Stats | null = null
  try {
    old = await fs.stat(target)
  } catch (err) {
    if (code(err) !== 'ENOENT') throw err
  }
  if (old?.isDirectory()) throw Object.assign(new Error(`${target} is a directory`), { code: 'EISDIR' })

  const tmp = tempPathFor(target)
  let handle: WritableHandle
  try {
    handle = await fs.open(tmp, CREATE_FLAGS, opts.mode ?? (old ? old.mode & 0o7777 : 0o666))
  } catch (err) {
    // A folder we may not create files in, holding a file we may write: an atomic save is
    // impossible there, but refusing would leave the user unable to save at all. Overwrite in place.
    if (old && (code(err) === 'EACCES' || code(err) === 'EPERM')) return writeInPlace(target, data, opts)
    throw err
  }
  try {
    try {
      await writeAll(handle, data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (opts.mode !== undefined || old) {
      // open() applied the umask; restore the exact bits (e.g. an executable script stays executable).
      await fs.chmod(tmp, opts.mode ?? (old ? old.mode & 0o7777 : 0o666))
    }
    if (old) {
      if (typeof process.getuid === 'function' && process.getuid() === 0) {
        await fs.chown(tmp, old.uid, old.gid).catch(() => undefined)
      }
    }
    await fs.rename(tmp, target)
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined)
    throw err
  }
  await fsyncDir(dirname(target))
}

async function writeInPlace(target: string, data: Uint8Array, opts: AtomicWriteOptions): Promise<void> {
  const fs = opts.fs ?? nodeAtomicFs
  const h = await fs.open(target, IN_PLACE_FLAGS)
  try {
    await writeAll(h, data)
    await h.truncate(data.length)
    await h.sync()
  } finally {
    await h.close()
  }
  if (opts.mode !== undefined) await fs.chmod(target, opts.mode)
}

/** Makes a rename durable. Not possible on Windows (EPERM/EISDIR): the rename is still atomic there. */
async function fsyncDir(dir: string): Promise<void> {
  let h: fsp.FileHandle | undefined
  try {
    h = await fsp.open(dir, 'r')
    await h.sync()
  } catch {
    // best effort
  } finally {
    await h?.close().catch(() => undefined)
  }
}
