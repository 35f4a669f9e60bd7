import { spawn } from 'node:child_process'
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { indexSocketPaths } from '../../../src/main/core/index/cliSocket/socketPaths'
import { indexDirFor } from '../../../src/main/core/index/indexLocation'
import { writeSampleWorkspace } from '../../helpers/sampleWorkspace'
import { REPO_ROOT, startServe, type ServedHearth } from '../../helpers/serve'
import { collect, tempDir, type CliResult } from './cliHelpers'

/**
 * `hearth search` beside a running Hearth (`hearth serve` here: the app's core does the same):
 * the BUILT CLI (`npm run build` first) asks the process that holds the index over its socket
 * instead of failing on the lock, with the same answer as an index opened by the CLI itself; the
 * socket and its token are private to the user, refuse a wrong or missing token and anything but
 * the index's read calls, and vanish with a clean exit; a socket left by a killed server is
 * detected, removed, and the CLI opens the index itself.
 */

const QUERY = 'route handler for users'

function hearth(dataDir: string, args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/hearth.js'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HEARTH_DATA_DIR: dataDir },
  })
  return collect(child)
}

/** The answer without its timing (`ms` differs from run to run). */
function answer(r: CliResult): unknown {
  expect(r.code, r.stderr).toBe(0)
  const { results } = JSON.parse(r.stdout) as { results: unknown[] }
  return results
}

/** Sends raw lines to the socket and collects what comes back until the server closes it. */
function exchange(
  socket: string,
  lines: string[],
  ms = 8000,
): Promise<{ replies: unknown[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = connect(socket)
    let text = ''
    const timer = setTimeout(() => {
      s.destroy()
      resolve({ replies: parse(text), closed: false })
    }, ms)
    s.on('connect', () => s.write(lines.map((l) => `${l}\n`).join('')))
    s.on('data', (d: Buffer) => (text += d.toString()))
    s.on('error', reject)
    s.on('close', () => {
      clearTimeout(timer)
      resolve({ replies: parse(text), closed: true })
    })
  })
}

/** Waits until the server's index is open and its first scan done (asked over the socket). */
async function untilReady(dbDir: string): Promise<void> {
  const paths = indexSocketPaths(dbDir)
  const status = JSON.stringify({ t: 'call', id: 1, method: 'index.status', args: {} })
  for (let i = 0; i < 600; i++) {
    if (existsSync(paths.socket)) {
      const auth = JSON.stringify({ t: 'auth', token: readFileSync(paths.token, 'utf8').trim() })
      const { replies } = await exchange(paths.socket, [auth, status], 300)
      const ok = replies.find((m) => (m as { t?: string }).t === 'ok') as
        { value: { state: string } } | undefined
      if (ok?.value.state === 'ready') return
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('the server did not get its index ready')
}

function parse(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown)
}

describe('hearth search beside a running Hearth', () => {
  let tmp: { dir: string; cleanup: () => void }
  let ws: string
  let dataDir: string
  let dbDir: string
  let remote: unknown
  let remoteFts: unknown
  let served: ServedHearth | undefined

  beforeAll(async () => {
    tmp = tempDir('cli-socket')
    ws = join(tmp.dir, 'ws')
    dataDir = join(tmp.dir, 'data')
    await writeSampleWorkspace(ws)
    expect((await hearth(dataDir, ['index', ws])).code).toBe(0)
    dbDir = indexDirFor(ws, dataDir)
    served = await startServe({ workspace: ws, dataDir, timeoutMs: 60_000 })
  }, 180_000)

  afterAll(async () => {
    await served?.stop()
    tmp.cleanup()
  })

  it('answers through the process that holds the index', async () => {
    await untilReady(dbDir)
    remote = answer(await hearth(dataDir, ['search', '--workspace', ws, '--json', QUERY]))
    expect(remote).toContainEqual(expect.objectContaining({ path: 'src/handlers/users.ts' }))
    remoteFts = answer(await hearth(dataDir, ['search', '--workspace', ws, '--mode', 'fts', '--json', QUERY]))
    expect(remoteFts).toContainEqual(expect.objectContaining({ path: 'src/handlers/users.ts' }))
    // The plain-text output goes the same way.
    const text = await hearth(dataDir, ['search', '--workspace', ws, QUERY])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain('src/')
    // What the running process cannot take is said in flags, with who holds the index.
    const big = await hearth(dataDir, [
      'search',
      '--workspace',
      ws,
      '--limit',
      '500',
      '--per-file',
      '60',
      QUERY,
    ])
    expect(big.code).toBe(1)
    expect(big.stderr).toMatch(/pid \d+\) holds this index.*--limit: .*200.*--per-file: .*50/)
    // Other commands that open the index say who holds it, and that search asks it.
    const index = await hearth(dataDir, ['index', ws])
    expect(index.code).toBe(1)
    expect(index.stderr).toMatch(/in use by another Hearth process \(pid \d+.*hearth search/)
  }, 120_000)

  it('keeps the socket and its token to this user (mode 0600)', () => {
    const paths = indexSocketPaths(dbDir)
    expect(lstatSync(paths.socket).isSocket()).toBe(true)
    expect(statSync(paths.socket).mode & 0o777).toBe(0o600)
    expect(statSync(paths.token).mode & 0o777).toBe(0o600)
  })

  it('refuses a wrong or missing token, and serves only the index read calls', async () => {
    const paths = indexSocketPaths(dbDir)
    const call = JSON.stringify({ t: 'call', id: 1, method: 'index.status', args: {} })
    for (const first of [JSON.stringify({ t: 'auth', token: 'x'.repeat(32) }), call, 'not json']) {
      const { replies, closed } = await exchange(paths.socket, [first, call])
      expect(closed).toBe(true)
      expect(replies).toEqual([
        { t: 'err', id: 0, error: expect.objectContaining({ code: 'unauthorized' }) as unknown },
      ])
    }
    // More than an auth line's worth of bytes before the token: cut off, nothing answered.
    const flood = await exchange(paths.socket, ['x'.repeat(5000)])
    expect(flood).toEqual({ replies: [], closed: true })
    const token = readFileSync(paths.token, 'utf8').trim()
    const auth = JSON.stringify({ t: 'auth', token })
    const write = JSON.stringify({ t: 'call', id: 2, method: 'file.write', args: { path: 'x.ts', text: '' } })
    const { replies } = await exchange(paths.socket, [auth, call, write], 3000)
    expect(replies).toContainEqual(expect.objectContaining({ t: 'ok', id: 1 }))
    expect(replies).toContainEqual({
      t: 'err',
      id: 2,
      error: expect.objectContaining({ code: 'unknown_method' }) as unknown,
    })
    expect(existsSync(join(ws, 'x.ts'))).toBe(false)
  }, 60_000)

  it('leaves no socket or token after a clean exit; the CLI alone answers as the server did', async () => {
    const paths = indexSocketPaths(dbDir)
    await served?.stop()
    served = undefined
    expect(existsSync(paths.socket)).toBe(false)
    expect(existsSync(paths.token)).toBe(false)
    // The same index, now opened by the CLI itself: the same answers.
    expect(answer(await hearth(dataDir, ['search', '--workspace', ws, '--json', QUERY]))).toEqual(remote)
    const fts = await hearth(dataDir, ['search', '--workspace', ws, '--mode', 'fts', '--json', QUERY])
    expect(answer(fts)).toEqual(remoteFts)
    // One database per index: nothing beside it.
    expect(existsSync(join(dbDir, 'vectors'))).toBe(false)
  }, 120_000)

  it('after a killed server: removes the stale socket and opens the index itself', async () => {
    const paths = indexSocketPaths(dbDir)
    served = await startServe({ workspace: ws, dataDir, timeoutMs: 60_000 })
    for (let i = 0; i < 300 && !existsSync(paths.socket); i++) await new Promise((r) => setTimeout(r, 100))
    process.kill(served.pid, 'SIGKILL')
    await new Promise((r) => setTimeout(r, 500))
    served = undefined
    // What the killed process left: its lock, its socket (nobody listens), its token.
    expect(lstatSync(paths.socket).isSocket()).toBe(true)
    expect(existsSync(join(dbDir, 'lock'))).toBe(true)
    const r = await hearth(dataDir, ['search', '--workspace', ws, '--json', QUERY])
    // (Not compared with the first answer: the server's own scan may have changed the index.)
    expect(answer(r)).toContainEqual(expect.objectContaining({ path: 'src/handlers/users.ts' }))
    expect(existsSync(paths.socket)).toBe(false)
    expect(existsSync(paths.token)).toBe(false)
  }, 120_000)
})
