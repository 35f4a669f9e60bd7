import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { indexSocketPaths } from '../../../src/main/core/index/cliSocket/socketPaths'
import { runCli, tempDir } from './cliHelpers'

/**
 * `hearth search` beside a Hearth process that holds the index but stops answering on its socket
 * (stopped in a debugger, stuck): each call times out, and the CLI says which process did not
 * answer and what to do, exits 1, and prints no stack. The "holder" is a fake: a lock naming this
 * test's own (live) pid, a token, and a real Unix socket that takes the connection and the auth
 * line, then answers nothing (or only index.status).
 */

const TIMEOUT_MS = 1000

interface Fake {
  dir: string
  dbDir: string
  ws: string
  server: Server
  lines: string[]
  cleanup: () => void
}

async function fakeHolder(answerStatus: boolean): Promise<Fake> {
  const tmp = tempDir('cli-unanswered')
  const ws = join(tmp.dir, 'ws')
  const dbDir = join(tmp.dir, 'db')
  mkdirSync(ws)
  mkdirSync(join(dbDir, 'pg'), { recursive: true })
  // The lock format of store/dataDirLock.ts: a live pid on this host holds the index.
  writeFileSync(
    join(dbDir, 'lock'),
    JSON.stringify({
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      command: 'fake holder',
    }),
    { mode: 0o600 },
  )
  const paths = indexSocketPaths(dbDir)
  writeFileSync(paths.token, 'fake-token\n', { mode: 0o600 })
  const lines: string[] = []
  const sockets = new Set<Socket>()
  const server = createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => undefined)
    let buf = ''
    s.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        lines.push(line)
        const m = JSON.parse(line) as { t: string; id?: number; method?: string }
        if (answerStatus && m.t === 'call' && m.method === 'index.status')
          s.write(
            `${JSON.stringify({
              t: 'ok',
              id: m.id,
              value: {
                state: 'ready',
                files: 1,
                chunks: 1,
                embedBacklog: 0,
                embedder: null,
                embedState: 'none',
                paused: false,
              },
            })}\n`,
          )
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(paths.socket, resolve)
  })
  return {
    dir: tmp.dir,
    dbDir,
    ws,
    server,
    lines,
    cleanup: () => {
      for (const s of sockets) s.destroy()
      server.close()
      tmp.cleanup()
    },
  }
}

describe('hearth search beside a Hearth process that does not answer', () => {
  let fake: Fake | undefined

  afterEach(() => {
    fake?.cleanup()
    fake = undefined
  })

  async function search(f: Fake): Promise<{ code: number | null; stderr: string; ms: number }> {
    const t0 = Date.now()
    const r = await runCli(['search', '--db', f.dbDir, '--workspace', f.ws, 'route handler'], {
      env: { HEARTH_DATA_DIR: join(f.dir, 'data'), HEARTH_CLI_SOCKET_TIMEOUT_MS: String(TIMEOUT_MS) },
    })
    return { code: r.code, stderr: r.stderr, ms: Date.now() - t0 }
  }

  it('gives up on index.status, names the pid, says what to do, exits 1 without a stack', async () => {
    fake = await fakeHolder(false)
    const r = await search(fake)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toBe(
      `hearth search: the Hearth process ${process.pid} that has this folder open did not answer within 1 s; try again, or close it to let hearth search open the index itself\n`,
    )
    // It did connect and authenticate (this is the call timeout, not the connect timeout).
    expect(fake.lines[0]).toBe(JSON.stringify({ t: 'auth', token: 'fake-token' }))
    expect(fake.lines.some((l) => l.includes('"index.status"'))).toBe(true)
    // tsx start-up is most of it; without the timeout it would never return (the test's own limit).
    expect(r.ms).toBeLessThan(20_000)
  }, 30_000)

  it('gives up on a search the process does not answer', async () => {
    fake = await fakeHolder(true)
    const r = await search(fake)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toContain(
      `hearth search: the Hearth process ${process.pid} that has this folder open did not answer within 1 s; try again, or close it to let hearth search open the index itself\n`,
    )
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(fake.lines.some((l) => l.includes('"search.query"'))).toBe(true)
    // The abandoned call is cancelled, so a process that wakes up does not do it for nobody.
    expect(fake.lines.some((l) => l.includes('"cancel"'))).toBe(true)
  }, 30_000)
})
