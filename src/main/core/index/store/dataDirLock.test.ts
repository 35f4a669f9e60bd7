import { fork, spawnSync, type ChildProcess } from 'node:child_process'
import {
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { hostname, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { DataDirLock, type LockFs } from './dataDirLock'

const REPO = resolve(import.meta.dirname, '..', '..', '..', '..', '..')
const TSX = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href
const LOCK_URL = pathToFileURL(join(import.meta.dirname, 'dataDirLock.ts')).href
/** Far above any kernel's pid_max: a lock left by it is stale on every round, whatever else runs. */
const DEAD_PID = 2_000_000_000

const stale = (dir: string): void =>
  writeFileSync(
    join(dir, 'lock'),
    JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: 'then', command: 'gone' }),
  )

let base: string
beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'hearth-lock-')))
})
afterEach(() => rmSync(base, { recursive: true, force: true }))

/**
 * A process that takes the lock when told (spinning until a shared start time, so the contenders
 * really meet), reports the outcome, and holds a won lock until told to release it.
 */
const CONTENDER = `
const { DataDirLock } = await import(process.env.LOCK_URL)
let held = null
process.on('message', (m) => {
  if (m.type === 'go') {
    while (Date.now() < m.at);
    let result
    try {
      held = DataDirLock.acquire(m.dir, 'contender')
      result = 'won'
    } catch (e) {
      result = e && e.code === 'busy' ? 'busy' : 'error: ' + (e && e.message)
    }
    process.send({ round: m.round, result })
  } else if (m.type === 'release') {
    held?.release()
    held = null
    process.send({ released: m.round })
  } else if (m.type === 'exit') process.exit(0)
})
process.send({ ready: true })
`

function startContender(): Promise<ChildProcess> {
  const child = fork(join(REPO, 'package.json'), [], {
    execPath: process.execPath,
    execArgv: ['--import', TSX, '--input-type=module', '-e', CONTENDER],
    env: { ...process.env, LOCK_URL, TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.node.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((res, rej) => {
    child.once('error', rej)
    child.once('exit', (c) => rej(new Error(`contender exited ${c} before it was ready`)))
    child.once('message', () => res(child))
  })
}

const next = (child: ChildProcess): Promise<Record<string, unknown>> =>
  new Promise((res) => child.once('message', (m) => res(m as Record<string, unknown>)))

describe('DataDirLock stale takeover, several processes at once', () => {
  const CONTENDERS = 4
  const ROUNDS = 60
  let children: ChildProcess[] = []
  beforeAll(async () => {
    children = await Promise.all(Array.from({ length: CONTENDERS }, startContender))
  }, 60_000)
  afterAll(() => {
    for (const c of children) c.kill()
  })

  it('exactly one process wins each round; the lock holds its record; nothing else is left', async () => {
    const outcomes: string[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(base, `r${round}`)
      mkdirSync(dir)
      stale(dir)
      const at = Date.now() + 25
      const results = await Promise.all(
        children.map(async (c) => {
          const reply = next(c)
          c.send({ type: 'go', dir, at, round })
          return { child: c, result: (await reply).result as string }
        }),
      )
      const winners = results.filter((r) => r.result === 'won')
      outcomes.push(results.map((r) => r.result).join(','))
      const holder = JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')) as { pid: number }
      expect(
        {
          round,
          winners: winners.length,
          others: results.filter((r) => r.result !== 'won').map((r) => r.result),
        },
        outcomes.join(' | '),
      ).toEqual({ round, winners: 1, others: Array(CONTENDERS - 1).fill('busy') })
      expect(holder.pid).toBe(winners[0]?.child.pid)
      expect(readdirSync(dir)).toEqual(['lock'])
      await Promise.all(
        winners.map(async ({ child }) => {
          const done = next(child)
          child.send({ type: 'release', round })
          await done
        }),
      )
      expect(readdirSync(dir)).toEqual([])
    }
  }, 60_000)
})

describe('DataDirLock leaves no temp file or claim when a write fails', () => {
  const hasPrlimit = process.platform === 'linux' && spawnSync('prlimit', ['--version']).status === 0

  it.skipIf(!hasPrlimit)('a record the disk cannot take (file size limit: EFBIG midway)', () => {
    // A real failing write, as on a full disk: the contender limits its own file size to 1 KiB
    // and then writes a lock record of 5 KiB.
    const script = `
      const { DataDirLock } = await import(process.env.LOCK_URL)
      const { execFileSync } = await import('node:child_process')
      execFileSync('prlimit', ['--pid', String(process.pid), '--fsize=1024:1024'])
      try { DataDirLock.acquire(process.env.DIR, 'x'.repeat(5000)); console.log('won') }
      catch (e) { console.log('failed ' + e.code) }
    `
    const r = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], {
      env: { ...process.env, LOCK_URL, DIR: base, TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.node.json') },
      encoding: 'utf8',
    })
    expect(r.stdout.trim(), r.stderr).toBe('failed EFBIG')
    expect(readdirSync(base)).toEqual([])
  })

  const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
  const real: LockFs = {
    writeFileSync: (p, d, o) => writeFileSync(p, d, o),
    linkSync: (a, b) => linkSync(a, b),
    unlinkSync: (p) => unlinkSync(p),
    readFileSync: (p, e) => readFileSync(p, e),
    lstatSync: (p) => lstatSync(p),
    readdirSync: (p) => readdirSync(p),
  }

  it('a takeover whose final link fails: stale lock, claim and temp file are all gone', () => {
    stale(base)
    let links = 0
    const fs: LockFs = {
      ...real,
      linkSync: (a, b) => {
        // 1: the plain attempt (EEXIST), 2: the claim, 3: our record into place → disk full.
        if (++links === 3) throw enospc()
        real.linkSync(a, b)
      },
    }
    expect(() => DataDirLock.acquire(base, 'x', fs)).toThrow(/ENOSPC/)
    expect(readdirSync(base)).toEqual([]) // the next taker links at once
  })

  it('a record write that fails midway leaves nothing', () => {
    const fs: LockFs = {
      ...real,
      writeFileSync: (p, d, o) => {
        real.writeFileSync(p, d.slice(0, 10), o)
        throw enospc()
      },
    }
    expect(() => DataDirLock.acquire(base, 'x', fs)).toThrow(/ENOSPC/)
    expect(readdirSync(base)).toEqual([])
  })
})

describe('DataDirLock', () => {
  it('takes over a stale lock, refuses a second taker in this process, releases', () => {
    stale(base)
    const lock = DataDirLock.acquire(base, 'test')
    try {
      expect(() => DataDirLock.acquire(base, 'again')).toThrow(HearthError)
      expect(lstatSync(join(base, 'lock')).mode & 0o777).toBe(0o600)
    } finally {
      lock.release()
    }
    expect(readdirSync(base)).toEqual([])
  })
})
