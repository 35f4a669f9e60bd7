import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLoopbackAddress } from '../../../src/main/core/net/connectionPolicy'
import { FakeOllama } from '../../helpers/fakeOllama'
import { hearthCommand } from '../../helpers/hearthCli'

/**
 * The offline profile's promise on the CLI path, checked at the socket layer in a separate
 * process: `hearth complete` and `hearth index` run as users run them (the built CLI, or its
 * source through tsx when the build is older: tests/helpers/hearthCli.ts), with a preload that
 * records every name resolution (at the native getaddrinfo / c-ares boundary and at the dns
 * module), every TCP connect and every UDP send. A host that is not a loopback literal or
 * `localhost` is refused before anything is resolved; `localhost` is answered without the
 * resolver; loopback servers still work.
 */
const root = join(__dirname, '..', '..', '..')
const RECORDER = join(root, 'tests', 'helpers', 'netRecorder.mjs')

interface Attempt {
  kind: 'lookup' | 'connect' | 'udp' | 'info'
  via: string
  target: string
}

interface Run {
  code: number
  stdout: string
  stderr: string
  attempts: Attempt[]
}

let dir: string
let runs = 0

function hearth(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const record = join(dir, `net-${++runs}.jsonl`)
  const cmd = hearthCommand([RECORDER])
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...cmd.args, ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          ...cmd.env,
          HEARTH_DATA_DIR: join(dir, 'data'),
          HEARTH_NET_RECORD: record,
          HEARTH_FIM_MODEL: '',
          HEARTH_FIM_PROVIDER: '',
          HEARTH_FIM_URL: '',
          HEARTH_FIM_TOKEN: '',
          HEARTH_EMBED_TOKEN: '',
          ...env,
        },
        timeout: 90_000,
      },
      (err, stdout, stderr) => {
        const code =
          err && typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : err
              ? 1
              : 0
        const attempts = existsSync(record)
          ? readFileSync(record, 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l) as Attempt)
          : []
        resolve({ code, stdout, stderr, attempts })
      },
    )
  })
}

/** What left (or would have left) the process: everything the recorder saw but its own banner. */
const network = (r: Run): Attempt[] => r.attempts.filter((a) => a.kind !== 'info')

const hostOf = (target: string): string => target.slice(0, target.lastIndexOf(':'))

const servers: FakeOllama[] = []
let file: string
let ws: string

// Each test starts a cold CLI process (seconds on the loaded 2-core machine); the index one
// opens PGlite too. Behaviour is under test, not speed.
describe('offline profile, CLI: no connection and no name resolution', { timeout: 180_000 }, () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-offline-cli-'))
    mkdirSync(join(dir, 'data'))
    writeFileSync(join(dir, 'data', 'settings.json'), JSON.stringify({ profile: 'offline' }))
    file = join(dir, 'add.ts')
    writeFileSync(file, 'function add(a, b) {\n  \n}\n')
    ws = join(dir, 'ws')
    mkdirSync(ws)
    writeFileSync(join(ws, 'add.ts'), 'export function add(a: number, b: number) {\n  return a + b\n}\n')
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
    rmSync(dir, { recursive: true, force: true })
  })

  it('the recorder sees a lookup, a TCP connect and a UDP send (so an empty record means none)', async () => {
    const record = join(dir, 'control.jsonl')
    const script = [
      "import { lookup } from 'node:dns'",
      "import net from 'node:net'",
      "import dgram from 'node:dgram'",
      "lookup('localhost', () => {})",
      "net.connect(1, '127.0.0.1').on('error', () => {})",
      "const s = dgram.createSocket('udp4'); s.send('x', 9, '127.0.0.1', () => s.close())",
    ].join('\n')
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', RECORDER, '--input-type=module', '-e', script],
        { env: { ...process.env, HEARTH_NET_RECORD: record }, timeout: 30_000 },
        (err) => (err ? reject(new Error(err.message)) : resolve()),
      ),
    )
    const seen = readFileSync(record, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Attempt)
    expect(seen).toContainEqual(expect.objectContaining({ kind: 'info', via: 'native hooks installed' }))
    expect(seen.some((a) => a.kind === 'lookup' && a.via === 'getaddrinfo' && a.target === 'localhost')).toBe(
      true,
    )
    expect(seen.some((a) => a.kind === 'connect' && a.target === '127.0.0.1:1')).toBe(true)
    expect(seen.some((a) => a.kind === 'udp')).toBe(true)
  })

  it('hearth complete --url http://dgx.invalid: refused with the reason, non-zero exit, nothing resolved', async () => {
    const r = await hearth([
      'complete',
      '--file',
      file,
      '--line',
      '2',
      '--column',
      '3',
      '--url',
      'http://dgx.invalid',
      '--timeout',
      '5000',
    ])
    expect(r.code, r.stderr).not.toBe(0)
    expect(r.stderr).toMatch(/offline profile: dgx\.invalid is not a loopback address/)
    expect(
      r.attempts.some((a) => a.kind === 'info'),
      'the recorder ran in the CLI process',
    ).toBe(true)
    expect(network(r)).toEqual([])
  })

  it('hearth index --embedder ollama at a host name: refused with the reason, non-zero exit, nothing resolved', async () => {
    const r = await hearth(['index', ws, '--db', join(dir, 'db-refused'), '--embedder', 'ollama'], {
      HEARTH_EMBED_URL: 'http://somehost.invalid:11434',
    })
    expect(r.code, r.stdout + r.stderr).not.toBe(0)
    expect(r.stderr).toMatch(/offline profile: somehost\.invalid is not a loopback address/)
    expect(r.stderr).toMatch(/HEARTH_EMBED_URL/)
    expect(
      r.attempts.some((a) => a.kind === 'info'),
      'the recorder ran in the CLI process',
    ).toBe(true)
    expect(network(r)).toEqual([])
  })

  it('loopback still works offline: localhost names are answered without the resolver, 127.0.0.1 is used as is', async () => {
    // `*.localhost` went to the system resolver before (a DNS query glibc sends on: no hosts entry).
    // One process and one fake server per host, all at once: each run's requests and connections
    // are its own, and the processes mostly wait (on the server, on their exit), not compute.
    const hosts = ['localhost', 'ollama.localhost', '127.0.0.1']
    const checks = hosts.map(async (host) => {
      const ollama = await new FakeOllama().start()
      servers.push(ollama)
      const port = new URL(ollama.url).port
      const r = await hearth([
        'complete',
        '--file',
        file,
        '--line',
        '2',
        '--column',
        '3',
        '--url',
        `http://${host}:${port}`,
        '--no-cache',
        '--json',
      ])
      expect(r.code, r.stderr).toBe(0)
      expect((JSON.parse(r.stdout) as { completion: string }).completion.length).toBeGreaterThan(0)
      expect(ollama.requests.some((q) => q.path === '/api/generate')).toBe(true)
      // No lookup of any kind, `localhost` included; the only connections are to the fake server.
      expect(r.attempts.filter((a) => a.kind === 'lookup')).toEqual([])
      expect(r.attempts.filter((a) => a.kind === 'udp')).toEqual([])
      const connects = r.attempts.filter((a) => a.kind === 'connect')
      expect(connects.length).toBeGreaterThan(0)
      for (const c of connects) {
        // Socket#connect is given the URL's host; a localhost name reached it via our own answer.
        const h = hostOf(c.target)
        expect(h === host || isLoopbackAddress(h), c.target).toBe(true)
        expect(c.target.endsWith(`:${port}`), c.target).toBe(true)
      }
    })
    await Promise.all(checks)
  })
})
