import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { hostname } from 'node:os'
import { basename, join, resolve } from 'node:path'
import type { IndexEntry, IndexHolder, IndexList } from '@shared/contract/indexes'
import { HearthError } from '@shared/errors'
import { canonicalRoot, indexDirFor } from './indexLocation'
import { readIndexMeta } from './indexMeta'
import { DataDirLock } from './store/dataDirLock'
import { treeBytes } from './store/diskSpace'

/**
 * The indexes in a data directory (`<dataDir>/indexes/<id>`, one per folder ever opened): listed
 * with size, files and last use from their META_FILE, and removed only under their own lock, so
 * an index a running Hearth holds is never pulled from under it.
 */

const ID = /^[0-9a-f]{16}$/
/** A removal renames the index here first, so a crash mid-way leaves no half index behind. */
const REMOVING = '.removing-'
const DAY_MS = 24 * 60 * 60 * 1000

export const indexesDir = (dataDir: string): string => join(dataDir, 'indexes')

/**
 * Every index, most recently used first. `knownFolders` (the recent folders) name the folders of
 * indexes made before Hearth recorded them: an index's id is the hash of its folder's path.
 */
export function listIndexes(dataDir: string, knownFolders: readonly string[] = []): IndexList {
  const root = indexesDir(dataDir)
  const byId = new Map<string, string>()
  for (const f of knownFolders) byId.set(basename(indexDirFor(f, dataDir)), canonicalRoot(f))
  let names: string[] = []
  try {
    names = readdirSync(root)
  } catch {
    // No index yet.
  }
  const indexes = names
    .filter((n) => ID.test(n) && isDir(join(root, n)))
    .map((id) => entryOf(join(root, id), id, byId.get(id) ?? null))
  indexes.sort((a, b) => (b.lastUsedAt ?? 0) - (a.lastUsedAt ?? 0))
  return { dir: root, indexes, totalBytes: indexes.reduce((n, e) => n + e.bytes, 0) }
}

function entryOf(dir: string, id: string, guessed: string | null): IndexEntry {
  const meta = readIndexMeta(dir)
  const folder = meta?.root ?? guessed
  const recorded = meta ? Date.parse(meta.lastUsedAt) : NaN
  return {
    id,
    dir,
    folder,
    folderExists: folder !== null && isDir(folder),
    bytes: treeBytes(dir),
    files: meta?.files ?? null,
    lastUsedAt: Number.isFinite(recorded) ? recorded : lastChange(dir),
    lastUsedKnown: Number.isFinite(recorded) ? 'recorded' : 'estimated',
    inUse: lockHolder(dir),
  }
}

/**
 * The index of `arg`: an id as `hearth indexes list` prints it, or a folder (the index of that
 * path, also when the folder is gone: recorded folders are matched too).
 */
export function resolveIndexId(dataDir: string, arg: string): string {
  if (ID.test(arg) && isDir(join(indexesDir(dataDir), arg))) return arg
  const id = basename(indexDirFor(arg, dataDir))
  if (isDir(join(indexesDir(dataDir), id))) return id
  const wanted = resolve(arg)
  const found = listIndexes(dataDir).indexes.find((e) => e.folder === wanted)
  if (found) return found.id
  throw new HearthError('not_found', `there is no index of ${arg} (\`hearth indexes list\` shows them)`)
}

/**
 * Removes one index and answers the bytes freed. Refuses (`busy`) an index a running Hearth
 * process holds, saying which; the check is the index's own lock, taken for the removal, so a
 * process cannot open it half-way through.
 */
export function removeIndex(dataDir: string, id: string): { freedBytes: number } {
  if (!ID.test(id)) throw new HearthError('invalid_argument', `${id} is not an index id`)
  const dir = join(indexesDir(dataDir), id)
  if (!isDir(dir)) throw new HearthError('not_found', `there is no index ${id}`)
  const folder = readIndexMeta(dir)?.root ?? null
  const holder = lockHolder(dir)
  if (holder) throw inUse(id, folder, holder)
  let lock: DataDirLock
  try {
    lock = DataDirLock.acquire(dir, 'hearth indexes rm')
  } catch (err) {
    // Taken between the look and the lock.
    const now = lockHolder(dir)
    if (now) throw inUse(id, folder, now)
    throw err
  }
  const bytes = treeBytes(dir)
  const trash = join(indexesDir(dataDir), `${REMOVING}${id}-${randomBytes(4).toString('hex')}`)
  try {
    renameSync(dir, trash)
  } finally {
    lock.release()
  }
  rmSync(trash, { recursive: true, force: true })
  return { freedBytes: bytes }
}

export interface GcOptions {
  /** Remove indexes not used for more than this many days. */
  olderThanDays?: number | null
  /** Remove indexes whose folder no longer exists. */
  missing?: boolean
  knownFolders?: readonly string[]
  /** Folders whose index stays whatever its age (the one about to be opened). */
  keep?: readonly (string | null)[]
  now?: number
}

export interface GcResult {
  removed: IndexEntry[]
  /** Indexes that qualified but stayed (in use, or the removal failed), with why. */
  kept: { entry: IndexEntry; reason: string }[]
  freedBytes: number
}

/** Removes the indexes of folders not opened for N days and/or of folders that are gone. */
export function gcIndexes(dataDir: string, opts: GcOptions): GcResult {
  const now = opts.now ?? Date.now()
  const out: GcResult = { removed: [], kept: [], freedBytes: 0 }
  clearLeftovers(dataDir)
  const keep = new Set(
    (opts.keep ?? []).flatMap((f) => (f === null ? [] : [basename(indexDirFor(f, dataDir))])),
  )
  for (const e of listIndexes(dataDir, opts.knownFolders).indexes) {
    if (keep.has(e.id)) continue
    const gone = (opts.missing ?? false) && e.folder !== null && !e.folderExists
    const days = opts.olderThanDays
    const old = days != null && e.lastUsedAt !== null && now - e.lastUsedAt > days * DAY_MS
    if (!gone && !old) continue
    try {
      out.freedBytes += removeIndex(dataDir, e.id).freedBytes
      out.removed.push(e)
    } catch (err) {
      out.kept.push({ entry: e, reason: err instanceof Error ? err.message : String(err) })
    }
  }
  return out
}

/** Removals a crash interrupted (their folder was renamed aside first). */
function clearLeftovers(dataDir: string): void {
  let names: string[] = []
  try {
    names = readdirSync(indexesDir(dataDir))
  } catch {
    return
  }
  for (const n of names)
    if (n.startsWith(REMOVING)) rmSync(join(indexesDir(dataDir), n), { recursive: true, force: true })
}

function inUse(id: string, folder: string | null, h: IndexHolder): HearthError {
  const what = `the index of ${folder ?? id}`
  const message = h.self
    ? `${what} is open in this window; open another folder first, then remove it`
    : h.host !== hostname()
      ? `${what} is in use by Hearth on ${h.host} (pid ${h.pid}); close it there first`
      : `${what} is in use by a running Hearth process (pid ${h.pid}: ${h.command || 'hearth'}); close that window or stop that command first`
  return new HearthError('busy', message, { ...h })
}

/**
 * Who holds the index's lock (store/dataDirLock.ts writes `lock` with pid, host, start and
 * command), read only: a lock whose process is gone, or that cannot be read, holds nothing (the
 * next opener takes it over).
 */
export function lockHolder(dir: string): IndexHolder | null {
  let v: { pid?: unknown; host?: unknown; command?: unknown }
  try {
    v = JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')) as typeof v
  } catch {
    return null
  }
  if (typeof v.pid !== 'number') return null
  const host = String(v.host)
  const holder = { pid: v.pid, host, command: typeof v.command === 'string' ? v.command : '', self: false }
  if (host !== hostname()) return holder
  if (v.pid === process.pid) return { ...holder, self: true }
  return isAlive(v.pid) ? holder : null
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** An index from before META_FILE: the newest change of its databases stands in for its last use. */
function lastChange(dir: string): number | null {
  let newest: number | null = null
  for (const p of [dir, join(dir, 'pg'), join(dir, 'vectors')]) {
    try {
      newest = Math.max(newest ?? 0, statSync(p).mtimeMs)
    } catch {
      // absent
    }
  }
  return newest
}
