import { randomBytes } from 'node:crypto'
import * as fsp from 'node:fs/promises'
import { hostname } from 'node:os'
import { HearthError } from '@shared/errors'

const code = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined

interface Owner {
  pid: number
  host: string
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return code(err) === 'EPERM' // exists, owned by someone else
  }
}

async function readOwner(path: string): Promise<Owner | undefined> {
  try {
    const v = JSON.parse(await fsp.readFile(path, 'utf8')) as Partial<Owner>
    return typeof v.pid === 'number' && typeof v.host === 'string' ? { pid: v.pid, host: v.host } : undefined
  } catch {
    return undefined
  }
}

/**
 * One download of a file at a time across processes (the app and `hearth models pull` may both
 * try): two writers on one `.partial` would interleave bytes that then fail the hash. Within a
 * process the model manager already joins a second pull to the first.
 */
export class DownloadLock {
  private constructor(private readonly path: string) {}

  static async acquire(target: string): Promise<DownloadLock> {
    const path = `${target}.lock`
    const me: Owner = { pid: process.pid, host: hostname() }
    for (let tries = 0; tries < 3; tries++) {
      try {
        await fsp.writeFile(path, JSON.stringify(me), { flag: 'wx', mode: 0o600 })
        return new DownloadLock(path)
      } catch (err) {
        if (code(err) !== 'EEXIST') throw err
      }
      const owner = await readOwner(path)
      if (owner && (owner.host !== me.host || alive(owner.pid)))
        throw new HearthError(
          'busy',
          `this model is already being downloaded by another Hearth process (pid ${owner.pid}); wait for it or stop it first`,
        )
      await takeOverStale(path, owner)
    }
    throw new HearthError('busy', 'another Hearth process keeps taking this download over; try again')
  }

  async release(): Promise<void> {
    await fsp.rm(this.path, { force: true })
  }
}

/**
 * Moves a dead owner's lock aside under a unique name: of two processes taking over at once only
 * one rename succeeds. If what was moved turns out to be a live lock written in between, it goes
 * back (link fails rather than overwrite a third owner's).
 */
async function takeOverStale(path: string, seen: Owner | undefined): Promise<void> {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`
  try {
    await fsp.rename(path, aside)
  } catch (err) {
    if (code(err) === 'ENOENT') return
    throw err
  }
  const moved = await readOwner(aside)
  if (moved && seen && moved.pid !== seen.pid) {
    await fsp.link(aside, path).catch(() => undefined)
  }
  await fsp.rm(aside, { force: true })
}
