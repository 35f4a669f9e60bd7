import diagnostics from 'node:diagnostics_channel'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import net, { isIP } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Core } from '../../../src/main/core/createCore'
import { isLoopbackAddress } from '../../../src/main/core/net/connectionPolicy'
import { HttpClient } from '../../../src/main/core/net/httpClient'
import type { CallContext } from '../../../src/main/core/rpc/handlers'
import { HearthError } from '../../../src/shared/errors'
import { FakeOllama } from '../../helpers/fakeOllama'
import { writeSampleWorkspace } from '../../helpers/sampleWorkspace'

/**
 * The offline profile's promise, checked at the socket layer: a full index + search + complete
 * run through the real core makes no connection to anything but loopback — with non-loopback
 * backends (an IP literal and a host name) configured ahead of the local one in the chain.
 * Every outgoing TCP connection in this process is recorded twice over: Socket#connect (each
 * attempt, with its target, before any packet) and the 'net.client.socket' diagnostics channel.
 */
interface Attempt {
  host: string
  port: number
  via: 'connect' | 'channel'
}

const attempts: Attempt[] = []
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored as is in afterAll, called with apply
const originalConnect = net.Socket.prototype.connect
const onChannel = (msg: unknown): void => {
  const socket = (msg as { socket?: net.Socket }).socket
  // The channel fires before connect() has a target; read it once the socket is connected or fails.
  socket?.once('connect', () =>
    attempts.push({ host: socket.remoteAddress ?? '?', port: socket.remotePort ?? 0, via: 'channel' }),
  )
}

function targetOf(args: unknown[]): { host: string; port: number } | undefined {
  const [a, b] = args
  if (typeof a === 'object' && a !== null && !Array.isArray(a)) {
    const o = a as {
      host?: string | null
      hostname?: string | null
      port?: number | string
      path?: string | null
    }
    // A Unix socket / named pipe is not the network. (http passes `path: null` for TCP.)
    if (typeof o.path === 'string' && o.port === undefined) return undefined
    return { host: o.host ?? o.hostname ?? 'localhost', port: Number(o.port ?? 0) }
  }
  if (Array.isArray(a)) return targetOf(a as unknown[])
  if (typeof a === 'number' || (typeof a === 'string' && /^\d+$/.test(a))) {
    return { host: typeof b === 'string' ? b : 'localhost', port: Number(a) }
  }
  return undefined
}

const nonLoopback = (): Attempt[] =>
  attempts.filter(
    (a) =>
      !(
        a.host === 'localhost' ||
        isLoopbackAddress(a.host) ||
        (isIP(a.host) === 0 && a.host.endsWith('.localhost'))
      ),
  )

let ollama: FakeOllama
let dataDir: string
let root: string
let core: Core | undefined
const ctx: CallContext = { signal: new AbortController().signal, transport: 'local' }

beforeAll(async () => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const t = targetOf(args)
    if (t) attempts.push({ ...t, via: 'connect' })
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args)
  }
  diagnostics.subscribe('net.client.socket', onChannel)
  ollama = await new FakeOllama().start()
  // Every model the profile names, so the local backend reads 'ok' rather than 'model_missing'.
  for (const m of ['qwen2.5-coder:7b', 'qwen2.5-coder:0.5b', 'deepseek-r1:7b']) ollama.models.add(m)
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-offline-data-'))
  root = await mkdtemp(join(tmpdir(), 'hearth-offline-ws-'))
  await writeSampleWorkspace(root)
  const remoteFirst = (model: string) => ({
    chain: [
      { endpoints: ['triton'], model: 'fim_ensemble' },
      { endpoints: ['dgx'], model: 'qwen' },
      { endpoints: ['ollama'], model },
    ],
    timeoutMs: 10_000,
  })
  await writeFile(
    join(dataDir, 'settings.json'),
    JSON.stringify({
      profile: 'offline',
      endpoints: {
        ollama: { url: ollama.url },
        triton: { url: 'http://192.0.2.10:8000' },
        dgx: { kind: 'openai', url: 'http://dgx.example.com:8000' },
      },
      profiles: {
        offline: {
          tasks: {
            completion: remoteFirst('qwen2.5-coder:1.5b'),
            embedding: remoteFirst('nomic-embed-text'),
          },
        },
        remote: { tasks: { completion: remoteFirst('qwen2.5-coder:1.5b') } },
      },
    }),
  )
})

afterAll(async () => {
  await core?.dispose()
  net.Socket.prototype.connect = originalConnect
  diagnostics.unsubscribe('net.client.socket', onChannel)
  await ollama.close()
  await rm(dataDir, { recursive: true, force: true })
  await rm(root, { recursive: true, force: true })
})

describe('offline profile', () => {
  it('index + search + complete through the real core: zero non-loopback connections', async () => {
    core = await Core.create({ dataDir, workspace: root, log: () => undefined })
    const d = core.dispatcher
    const status = await d.dispatch('backends.check', {}, ctx)
    expect(status).toMatchObject({ profile: 'offline', network: 'loopback-only' })
    const eps = (status as { endpoints: { id: string; state: string }[] }).endpoints
    expect(eps.find((e) => e.id === 'triton')?.state).toBe('blocked')
    expect(eps.find((e) => e.id === 'dgx')?.state).toBe('blocked')
    expect(eps.find((e) => e.id === 'ollama')?.state, JSON.stringify(eps)).toBe('ok')

    // Index: wait until the workspace is indexed.
    const deadline = Date.now() + 60_000
    for (;;) {
      const st = (await d.dispatch('index.status', {}, ctx)) as { state: string; files: number }
      if (st.state === 'ready' && st.files > 0) break
      if (Date.now() > deadline) throw new Error(`index not ready: ${JSON.stringify(st)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const found = (await d.dispatch('search.query', { query: 'router handle request' }, ctx)) as {
      results: { path: string }[]
    }
    expect(found.results.length).toBeGreaterThan(0)

    // Complete: Triton (IP) and dgx (name) are skipped untouched; the loopback Ollama answers.
    const done = (await d.dispatch(
      'completion.request',
      {
        editorId: 'e1',
        requestId: 1,
        path: 'src/add.ts',
        language: 'typescript',
        prefix: 'export function add(a: number, b: number) {\n  ',
        suffix: '\n}\n',
        line: 2,
        column: 3,
        offset: 46,
        trigger: 'explicit',
      },
      ctx,
    )) as { text: string; model: string; source: string }
    expect(done.model).toBe('qwen2.5-coder:1.5b')
    expect(done.text.length).toBeGreaterThan(0)
    expect(ollama.requests.some((r) => r.path === '/api/generate')).toBe(true)

    // The HTTP layer itself refuses a non-loopback address with a clear error, before any socket.
    const before = attempts.length
    const err = await core.routing.http
      .request('http://192.0.2.10:8000/v2/health/ready', { timeoutMs: 500 })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HearthError)
    expect((err as HearthError).code).toBe('forbidden')
    expect((err as HearthError).message).toMatch(/offline profile.*loopback only/)
    // Any other client in the process too (e.g. one an index embedder made for itself).
    const stray = new HttpClient()
    const strayErr = await stray.request('http://192.0.2.10:8000/').catch((e: unknown) => e)
    stray.dispose()
    expect((strayErr as HearthError).code).toBe('forbidden')
    const v6 = await core.routing.http.request('http://[2001:db8::1]:11434/api/tags').catch((e: unknown) => e)
    expect((v6 as HearthError).code).toBe('forbidden')
    expect(attempts.length).toBe(before)

    expect(nonLoopback()).toEqual([])
    // The counter works: loopback connections were seen (Ollama), by both probes.
    expect(attempts.filter((a) => a.via === 'connect').length).toBeGreaterThan(0)
    expect(attempts.filter((a) => a.via === 'channel').length).toBeGreaterThan(0)
  })

  it('switching to a networked profile takes effect at once (and the counter sees the attempt)', async () => {
    if (!core) throw new Error('previous test did not create the core')
    const d = core.dispatcher
    await d.dispatch('profiles.select', { id: 'remote' }, ctx)
    const st = (await d.dispatch('backends.status', {}, ctx)) as {
      network: string
      endpoints: { id: string; state: string }[]
    }
    expect(st.network).toBe('any')
    expect(st.endpoints.find((e) => e.id === 'triton')?.state).not.toBe('blocked')
    // 192.0.2.0/24 is TEST-NET-1: never routed. The attempt is what we look for.
    await core.routing.http
      .request('http://192.0.2.10:8000/v2/health/ready', { responseTimeoutMs: 200, timeoutMs: 200 })
      .catch(() => undefined)
    expect(nonLoopback().map((a) => a.host)).toContain('192.0.2.10')

    // And back: offline again refuses at once.
    await d.dispatch('profiles.select', { id: 'offline' }, ctx)
    const err = await core.routing.http.request('http://192.0.2.10:8000/').catch((e: unknown) => e)
    expect((err as HearthError).code).toBe('forbidden')
  })
})
