import { lstat, realpath } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'
import { HearthError } from '@shared/errors'
import { openConfinedDir, SymlinkSwapped, type ConfinedDir } from './confinedDir'

/** Linux NAME_MAX / PATH_MAX: longer names fail in the kernel anyway, with a worse message. */
export const MAX_NAME_BYTES = 255
export const MAX_PATH_BYTES = 4096

/**
 * Names Windows maps to devices in every folder, with or without an extension (`nul.txt` is still
 * NUL). Refused on every platform: a workspace is shared between machines, and a `con.ts` written on
 * Linux would make the checkout unusable on Windows.
 */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$)$/i

const forbidden = (rel: string, why: string): HearthError =>
  new HearthError('forbidden', `refused path ${JSON.stringify(rel.slice(0, 200))}: ${why}`)

/** Undo URL encoding the way a careless layer might (repeatedly), to see what a segment would become. */
function decodeRepeatedly(s: string): string {
  let cur = s
  for (let i = 0; i < 3 && cur.includes('%'); i++) {
    try {
      const next = decodeURIComponent(cur)
      if (next === cur) break
      cur = next
    } catch {
      break // not valid percent-encoding: a literal `%` in a file name is fine
    }
  }
  return cur
}

/**
 * Checks a workspace-relative path without touching the disk and returns its normalised form
 * (`a/b/c`, '' for the root). Every rule here refuses something an attacker or a confused caller
 * could use to step outside the workspace on some platform or through some decoding layer.
 */
export function normalizeRelPath(rel: string): string {
  if (typeof rel !== 'string') throw forbidden(String(rel), 'not a string')
  if (rel.includes('\0')) throw forbidden(rel, 'contains a NUL byte')
  if (Buffer.byteLength(rel, 'utf8') > MAX_PATH_BYTES)
    throw forbidden(rel, `longer than ${MAX_PATH_BYTES} bytes`)
  if (rel.includes('\\')) throw forbidden(rel, 'contains a backslash (paths are `/`-separated)')
  if (rel.startsWith('/')) throw forbidden(rel, 'absolute paths are not allowed')
  if (/^[a-zA-Z]:/.test(rel)) throw forbidden(rel, 'drive letters are not allowed')
  if (/^~(\/|$)/.test(rel)) throw forbidden(rel, 'home-relative paths are not allowed')
  const out: string[] = []
  for (const part of rel.split('/')) {
    // Empty and `.` segments are harmless (`./src//a.ts`): drop them.
    if (part === '' || part === '.') continue
    if (part === '..') throw forbidden(rel, '`..` is not allowed')
    const decoded = decodeRepeatedly(part)
    if (decoded !== part) {
      if (/^\.\.?$/.test(decoded) || /[/\\\0]/.test(decoded))
        throw forbidden(rel, 'percent-encoded path separators or dots are not allowed')
    }
    // Windows strips trailing dots and spaces: `.. ` or `...` would become `..` there.
    if (/^[. ]+$/.test(part)) throw forbidden(rel, 'a name made only of dots and spaces is not allowed')
    if (Buffer.byteLength(part, 'utf8') > MAX_NAME_BYTES)
      throw forbidden(rel, `a name is longer than ${MAX_NAME_BYTES} bytes`)
    if (hasControlChar(part)) throw forbidden(rel, 'contains control characters')
    const stem = part.split('.')[0]?.replace(/[ ]+$/, '') ?? ''
    if (WINDOWS_DEVICE.test(stem)) throw forbidden(rel, `"${part}" is a reserved device name on Windows`)
    if (process.platform === 'win32' && part.includes(':'))
      throw forbidden(rel, 'alternate data streams are not allowed')
    out.push(part)
  }
  return out.join('/')
}

/** True when `abs` is `root` or below it (both absolute, already real). */
export function isInside(root: string, abs: string): boolean {
  const r = relative(root, abs)
  if (r === '') return true
  if (isAbsolute(r)) return false // another drive on Windows
  return r.split(sep)[0] !== '..'
}

export interface GuardedPath {
  /** Normalised workspace-relative path (`a/b`, '' for the root). */
  rel: string
  /**
   * Absolute real path: symlinks resolved for the part that exists, so reads and writes hit the
   * real file (an atomic rename over a symlink would otherwise replace the link with a file).
   */
  abs: string
  /** Whether the path exists now. */
  exists: boolean
}

/** A checked path's folder, held open (see confinedDir.ts), and its last name in it. */
export interface OpenedParent {
  rel: string
  /** The real name of the entry in `dir` ('' when `rel` is the workspace root). */
  name: string
  dir: ConfinedDir
}

/** Checks and opens are retried this often when a symlink is swapped in between them. */
const SWAP_ATTEMPTS = 3

/**
 * Resolves workspace-relative paths to absolute ones whose REAL location stays inside the workspace.
 * `root` must already be a real path (the service realpaths it when the folder opens).
 */
export class PathGuard {
  constructor(readonly root: string) {}

  async resolve(rel: string): Promise<GuardedPath> {
    const norm = normalizeRelPath(rel)
    const parts = norm === '' ? [] : norm.split('/')
    // Find the deepest existing ancestor, realpath it, then append the missing tail: a file not yet
    // created is as safe as the folder it will be created in.
    for (let i = parts.length; i >= 0; i--) {
      const lexical = join(this.root, ...parts.slice(0, i))
      let real: string
      try {
        real = await realpath(lexical)
      } catch (err) {
        if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) {
          if (i > 0) await this.refuseDanglingLink(norm, lexical)
          continue
        }
        if (isCode(err, 'ELOOP')) throw forbidden(norm, 'symlink loop')
        if (isCode(err, 'EACCES') || isCode(err, 'EPERM')) throw forbidden(norm, 'permission denied')
        throw err
      }
      if (!isInside(this.root, real)) throw forbidden(norm, 'it resolves outside the workspace (symlink)')
      return { rel: norm, abs: join(real, ...parts.slice(i)), exists: i === parts.length }
    }
    // Even the root is gone (folder deleted while open).
    throw new HearthError('not_found', `the workspace folder ${this.root} no longer exists`)
  }

  /**
   * Checks `rel`, opens the folder holding it by a walk that never follows a symlink (missing folders
   * made on the way with `create`), and runs `fn` in it; the folder is closed afterwards. Files
   * named through `dir` stay in that folder even if a component of the path is swapped for a link
   * meanwhile. A swap seen by the walk or by `fn` (SymlinkSwapped) checks again from scratch: a
   * link that now leads outside is refused by `resolve`, one that keeps swapping is refused here.
   */
  async withParent<T>(rel: string, create: boolean, fn: (p: OpenedParent) => Promise<T>): Promise<T> {
    return this.withWalk(rel, create, 'parent', fn)
  }

  /** Like withParent, but opens the folder `rel` itself (name is ''). */
  async withFolder<T>(rel: string, fn: (p: OpenedParent) => Promise<T>): Promise<T> {
    return this.withWalk(rel, false, 'self', fn)
  }

  private async withWalk<T>(
    rel: string,
    create: boolean,
    open: 'parent' | 'self',
    fn: (p: OpenedParent) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const g = await this.resolve(rel)
      const parts = g.abs === this.root ? [] : relative(this.root, g.abs).split(sep)
      const name = open === 'parent' ? (parts.pop() ?? '') : ''
      try {
        const dir = await openConfinedDir(this.root, parts, create)
        try {
          return await fn({ rel: g.rel, name, dir })
        } finally {
          await dir.close().catch(() => undefined)
        }
      } catch (err) {
        if (!(err instanceof SymlinkSwapped)) throw err
        if (attempt >= SWAP_ATTEMPTS)
          throw forbidden(g.rel, 'a folder or file on its path was replaced by a symlink while it was opened')
      }
    }
  }

  /** A missing path that still has a directory entry is a dangling symlink: it could point anywhere. */
  private async refuseDanglingLink(norm: string, lexical: string): Promise<void> {
    try {
      const st = await lstat(lexical)
      if (st.isSymbolicLink()) throw forbidden(norm, 'it is a symlink to a missing target')
    } catch (err) {
      if (err instanceof HearthError) throw err
    }
  }

  /** Workspace-relative `/`-separated form of an absolute path inside the root. */
  toRel(abs: string): string {
    return relative(this.root, abs).split(sep).join('/')
  }
}

export function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code
}

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true
  return false
}
