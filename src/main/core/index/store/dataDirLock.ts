import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { HearthError } from '@shared/errors'

interface LockInfo {
  pid: number
  host: string
  startedAt: string
  command: string
}

/**
 * Single-writer lock on an index data directory (PGlite has none, pglite#1106): a `lock` file
 * holding the owner's pid. A lock whose process is gone is stale and taken over; a live owner
 * makes the second instance fail at once with who holds it.
 */
export class DataDirLock {
  private released = false
  private readonly onExit = (): void => this.release()

  private constructor(
    readonly path: string,
    private readonly info: LockInfo,
  ) {
    process.once('exit', this.onExit)
  }

  static acquire(dir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
    const path = join(dir, 'lock')
    const info: LockInfo = {
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      command,
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      // Write the full record first, then link it into place: link() fails if the lock exists,
      // so no reader ever sees a half-written lock and two racers cannot both win.
      const tmp = `${path}.${process.pid}.${attempt}.tmp`
      writeFileSync(tmp, JSON.stringify(info))
      try {
        linkSync(tmp, path)
        return new DataDirLock(path, info)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      } finally {
        safeUnlink(tmp)
      }
      const holder = readLock(path)
      if (holder && holder.pid === process.pid && holder.host === info.host) {
        throw new HearthError('busy', `index ${dir} is already open in this process`)
      }
      if (holder && holder.host === info.host && isAlive(holder.pid)) {
        throw new HearthError(
          'busy',
          `index ${dir} is in use by another Hearth process (pid ${holder.pid}, started ${holder.startedAt}: ${holder.command})`,
          { ...holder },
        )
      }
      if (holder && holder.host !== info.host) {
        throw new HearthError('busy', `index ${dir} is locked by pid ${holder.pid} on host ${holder.host}`, {
          ...holder,
        })
      }
      // Stale (owner gone) or unreadable: take it over.
      safeUnlink(path)
    }
    throw new HearthError('busy', `could not lock index ${dir}: another process keeps taking it`)
  }

  release(): void {
    if (this.released) return
    this.released = true
    process.removeListener('exit', this.onExit)
    const holder = readLock(this.path)
    if (holder && holder.pid === this.info.pid && holder.startedAt === this.info.startedAt)
      safeUnlink(this.path)
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>
    return typeof v.pid === 'number'
      ? { pid: v.pid, host: String(v.host), startedAt: String(v.startedAt), command: String(v.command) }
      : null
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

function safeUnlink(p: string): void {
  try {
    unlinkSync(p)
  } catch {
    // already gone
  }
}
