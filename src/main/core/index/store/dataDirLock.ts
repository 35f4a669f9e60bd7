import { randomBytes } from 'node:crypto'
import {
  linkSync,
  lstatSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { HearthError } from '@shared/errors'

export interface LockInfo {
  pid: number
  host: string
  startedAt: string
  command: string
}

/** The few sync fs calls the lock makes; tests wrap them to fail one midway (a full disk). */
export interface LockFs {
  writeFileSync(path: string, data: string, opts: { mode: number; flag: string }): void
  linkSync(existing: string, path: string): void
  unlinkSync(path: string): void
  readFileSync(path: string, enc: 'utf8'): string
  lstatSync(path: string): Stats
  readdirSync(path: string): string[]
}

const nodeLockFs: LockFs = {
  writeFileSync: (p, d, o) => writeFileSync(p, d, o),
  linkSync: (a, b) => linkSync(a, b),
  unlinkSync: (p) => unlinkSync(p),
  readFileSync: (p, e) => readFileSync(p, e),
  lstatSync: (p) => lstatSync(p),
  readdirSync: (p) => readdirSync(p),
}

const ATTEMPTS = 20
/** A takeover takes milliseconds; a claim older than this was left by a process that stopped. */
const CLAIM_MAX_AGE_MS = 10_000
const CLAIM = '.claim.'

/**
 * Single-writer lock on an index data directory (PGlite has none, pglite#1106): a `lock` file
 * holding the owner's pid. A lock whose process is gone is stale and taken over; a live owner
 * makes the second instance fail at once with who holds it.
 *
 * Taking the lock: the full record is written to a temp file (mode 0600) and link()ed to `lock`,
 * which fails if `lock` exists, so no reader sees half a record and two racers cannot both win.
 * Lock records are never modified once linked.
 *
 * Taking over a stale lock must remove exactly the stale file, never the fresh lock of a process
 * that took it over a moment earlier (unlinking by name cannot promise that). So a taker first
 * claims the file: a hard link `lock.claim.<pid>.<ms>.<random>` to whatever `lock` is now. It reads
 * the record through its claim (stable, whatever happens to `lock`) and goes on only if that record
 * is stale, no other live claim on the same file exists (announce, then look: of two claimers at
 * least one sees the other, and backs off), and `lock` is still the claimed file. Only a claimer
 * that got this far removes `lock`, so it removes the stale file; then it links its own record,
 * which fails if a plain acquirer got there in between. Losers back off briefly and look again,
 * and then find a live owner. A claim of a process that died, or that stopped for longer than
 * CLAIM_MAX_AGE_MS in the middle of a takeover, no longer counts.
 *
 * Every temp file and claim is removed on every path out, failures (ENOSPC) included.
 */
export class DataDirLock {
  private released = false
  private readonly onExit = (): void => this.release()

  private constructor(
    readonly path: string,
    private readonly info: LockInfo,
    private readonly fs: LockFs,
  ) {
    process.once('exit', this.onExit)
  }

  static acquire(
    dir: string,
    command = process.argv.slice(1).join(' '),
    fs: LockFs = nodeLockFs,
  ): DataDirLock {
    const path = join(dir, 'lock')
    const info: LockInfo = {
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      command,
    }
    const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    try {
      fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600, flag: 'wx' })
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        if (tryLink(fs, tmp, path)) return new DataDirLock(path, info, fs)
        const holder = readLock(fs, path)
        if (holder === 'missing') continue // released meanwhile: try again at once
        if (holder) refuseLive(dir, holder, info)
        // Stale (owner gone) or unreadable: take it over, or back off and look again.
        if (takeOver(fs, dir, path, tmp, info)) return new DataDirLock(path, info, fs)
        pause(attempt)
      }
    } finally {
      safeUnlink(fs, tmp)
    }
    throw new HearthError('busy', `could not lock index ${dir}: another process keeps taking it`)
  }

  release(): void {
    if (this.released) return
    this.released = true
    process.removeListener('exit', this.onExit)
    const holder = readLock(this.fs, this.path)
    if (
      typeof holder === 'object' &&
      holder?.pid === this.info.pid &&
      holder.startedAt === this.info.startedAt
    )
      safeUnlink(this.fs, this.path)
  }
}

/**
 * The live process on this host that holds the index at `dir`, or null when nobody does (no lock,
 * or one left by a process that is gone). Reads only; `hearth search` uses it to decide between
 * asking that process and opening the index itself.
 */
export function liveLockHolder(dir: string, fs: LockFs = nodeLockFs): LockInfo | null {
  const holder = readLock(fs, join(dir, 'lock'))
  if (typeof holder !== 'object' || holder === null) return null
  return holder.host === hostname() && isAlive(holder.pid) ? holder : null
}

/** Throws `busy` when `holder` is a live owner (this process, another one here, another host). */
function refuseLive(dir: string, holder: LockInfo, me: LockInfo): void {
  if (holder.pid === me.pid && holder.host === me.host) {
    throw new HearthError('busy', `index ${dir} is already open in this process`)
  }
  if (holder.host === me.host && isAlive(holder.pid)) {
    throw new HearthError(
      'busy',
      `index ${dir} is in use by another Hearth process (pid ${holder.pid}, started ${holder.startedAt}: ${holder.command}); close it first (the app and \`hearth serve\` answer \`hearth search\` themselves)`,
      { ...holder },
    )
  }
  if (holder.host !== me.host) {
    throw new HearthError('busy', `index ${dir} is locked by pid ${holder.pid} on host ${holder.host}`, {
      ...holder,
    })
  }
}

/** The claim protocol described on DataDirLock. True when our record is now the lock. */
function takeOver(fs: LockFs, dir: string, path: string, tmp: string, me: LockInfo): boolean {
  const claim = `${path}${CLAIM}${me.pid}.${Date.now()}.${randomBytes(6).toString('hex')}`
  try {
    fs.linkSync(path, claim)
  } catch (err) {
    if (code(err) === 'ENOENT') return false // gone meanwhile: the next attempt links at once
    throw err
  }
  try {
    const claimed = readLock(fs, claim)
    if (typeof claimed === 'object' && claimed !== null) refuseLive(dir, claimed, me)
    const mine = fs.lstatSync(claim)
    if (otherLiveClaim(fs, dir, claim, mine)) return false
    const now = statOrNull(fs, path)
    if (!now || now.ino !== mine.ino || now.dev !== mine.dev) return false
    try {
      fs.unlinkSync(path)
    } catch (err) {
      if (code(err) === 'ENOENT') return false
      throw err
    }
    return tryLink(fs, tmp, path)
  } finally {
    safeUnlink(fs, claim)
  }
}

/** Another claim on the same file by a process that is alive and not stuck (see DataDirLock). */
function otherLiveClaim(fs: LockFs, dir: string, mine: string, st: Stats): boolean {
  const prefix = `lock${CLAIM}`
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix) || join(dir, name) === mine) continue
    const [pid, ms] = name.slice(prefix.length).split('.').map(Number)
    if (pid === undefined || !isAlive(pid)) {
      safeUnlink(fs, join(dir, name)) // left by a process that died mid-takeover: it acts no more
      continue
    }
    const other = statOrNull(fs, join(dir, name))
    if (!other || other.ino !== st.ino || other.dev !== st.dev) continue
    if (Date.now() - (ms ?? 0) < CLAIM_MAX_AGE_MS) return true
  }
  return false
}

function tryLink(fs: LockFs, tmp: string, path: string): boolean {
  try {
    fs.linkSync(tmp, path)
    return true
  } catch (err) {
    if (code(err) === 'EEXIST') return false
    throw err
  }
}

/** The record, null when unreadable (treated as stale), 'missing' when there is no file. */
function readLock(fs: LockFs, path: string): LockInfo | null | 'missing' {
  let text: string
  try {
    text = fs.readFileSync(path, 'utf8')
  } catch (err) {
    return code(err) === 'ENOENT' ? 'missing' : null
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>
    return typeof v.pid === 'number'
      ? { pid: v.pid, host: String(v.host), startedAt: String(v.startedAt), command: String(v.command) }
      : null
  } catch {
    return null
  }
}

function statOrNull(fs: LockFs, p: string): Stats | null {
  try {
    return fs.lstatSync(p)
  } catch {
    return null
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Short random waits, growing: backed-off claimers must not meet again in lockstep. */
function pause(attempt: number): void {
  const ms = 1 + Math.floor(Math.random() * Math.min(50, 2 << Math.min(attempt, 5)))
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  } catch {
    // A thread that may not block (a browser-like main thread): spin instead, for milliseconds.
    for (const end = Date.now() + ms; Date.now() < end;);
  }
}

function safeUnlink(fs: LockFs, p: string): void {
  try {
    fs.unlinkSync(p)
  } catch {
    // already gone
  }
}

function code(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined
}
