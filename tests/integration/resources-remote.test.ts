import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ResourceState } from '@shared/contract/resources'
import { Core } from '../../src/main/core/createCore'
import type { CallContext } from '../../src/main/core/rpc/handlers'

/**
 * The resource monitor watches the ACTIVE profile's Triton (Prometheus /metrics) and Ollama
 * (/api/ps) servers through the core's HTTP client: a real core, a real HTTP server on 127.0.0.1
 * speaking both protocols, profile switches through the dispatcher, and the offline profile's
 * rule checked at the socket layer.
 */

const TRITON_METRICS = `# HELP nv_gpu_utilization GPU utilization rate [0.0 - 1.0)
# TYPE nv_gpu_utilization gauge
nv_gpu_utilization{gpu_uuid="GPU-1"} 0.500000
# HELP nv_gpu_memory_total_bytes GPU total memory, in bytes
# TYPE nv_gpu_memory_total_bytes gauge
nv_gpu_memory_total_bytes{gpu_uuid="GPU-1"} 85899345920.000000
# HELP nv_gpu_memory_used_bytes GPU used memory, in bytes
# TYPE nv_gpu_memory_used_bytes gauge
nv_gpu_memory_used_bytes{gpu_uuid="GPU-1"} 40000000000.000000
# HELP nv_gpu_power_usage GPU power usage in watts
# TYPE nv_gpu_power_usage gauge
nv_gpu_power_usage{gpu_uuid="GPU-1"} 310.500000
# HELP nv_inference_pending_request_count Instantaneous number of pending requests awaiting execution per-model.
# TYPE nv_inference_pending_request_count gauge
nv_inference_pending_request_count{model="m",version="1"} 0
`

const OLLAMA_PS = {
  models: [
    {
      name: 'nomic-embed-text:latest',
      model: 'nomic-embed-text:latest',
      size: 849_000_000,
      digest: 'abc',
      details: { family: 'nomic-bert', parameter_size: '137M', quantization_level: 'F16' },
      expires_at: '2030-01-01T00:00:00.000Z',
      size_vram: 849_000_000,
    },
  ],
}

const TOKEN = 'ollama-probe-token-123456'
const seen: { path: string; auth: string | undefined }[] = []

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/'
  seen.push({ path, auth: req.headers.authorization })
  const json = (body: unknown): void => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  if (path === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
    res.end(TRITON_METRICS)
  } else if (path === '/api/ps') json(OLLAMA_PS)
  else if (path === '/api/version') json({ version: '0.9.0' })
  else if (path === '/api/tags') json({ models: [] })
  else if (path === '/v2/health/ready') res.writeHead(200).end()
  else res.writeHead(404).end()
}

/** Every outgoing TCP connect() in this process, with its target, before any packet. */
const connects: string[] = []
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored as is in afterAll, called with apply
const rawConnect = net.Socket.prototype.connect

function hostOf(args: unknown[]): string | undefined {
  const a = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0]
  if (typeof a === 'object' && a !== null) {
    const o = a as { host?: string | null; path?: string | null }
    return typeof o.path === 'string' ? undefined : (o.host ?? 'localhost')
  }
  return typeof args[1] === 'string' ? args[1] : 'localhost'
}

const tasks = (endpoints: string[], model: string): Record<string, unknown> =>
  Object.fromEntries(
    ['completion', 'embedding', 'chat', 'reasoning'].map((t) => [
      t,
      { chain: [{ endpoints, model }], timeoutMs: 5000 },
    ]),
  )

let server: Server
let base: string
let dataDir: string
let core: Core | undefined
const ctx: CallContext = { signal: new AbortController().signal, transport: 'local' }

const state = async (): Promise<ResourceState> =>
  (await core!.dispatcher.dispatch('resources.state', {}, ctx)) as ResourceState

async function waitForState(ok: (s: ResourceState) => boolean, what: string): Promise<ResourceState> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const s = await state()
    if (ok(s)) return s
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s.snapshot.remotes)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

beforeAll(async () => {
  server = createServer(handle)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const host = hostOf(args)
    if (host) connects.push(host)
    return (rawConnect as (...a: unknown[]) => net.Socket).apply(this, args)
  }
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-res-remote-'))
  // A user settings file: only what differs from the defaults (merged as a JSON merge patch).
  await writeFile(
    join(dataDir, 'settings.json'),
    JSON.stringify({
      profile: 'watch',
      endpoints: {
        dgx: { kind: 'triton', url: base, metricsUrl: base },
        box: { kind: 'ollama', url: base },
        // Triton's API is on loopback (the router may check it), its metrics are not.
        far: { kind: 'triton', url: base, metricsUrl: 'http://10.255.255.1:8002' },
        farname: { kind: 'triton', url: base, metricsUrl: 'http://dgx.invalid:8002' },
      },
      profiles: {
        watch: {
          label: 'Watch',
          network: 'any',
          tasks: {
            ...tasks(['dgx'], 'm'),
            embedding: { chain: [{ endpoints: ['box'], model: 'nomic-embed-text' }], timeoutMs: 5000 },
          },
        },
        quiet: { label: 'Quiet', network: 'any', tasks: tasks(['embedded'], 'default') },
        cut: { label: 'Cut', network: 'loopback-only', tasks: tasks(['far', 'farname'], 'm') },
      },
    }),
  )
  core = await Core.create({ dataDir, log: () => undefined })
})

afterAll(async () => {
  await core?.dispose()
  net.Socket.prototype.connect = rawConnect
  await new Promise((r) => server.close(r))
  await rm(dataDir, { recursive: true, force: true })
})

describe('remote resource probes follow the active profile', () => {
  it('reads the active profile’s Triton GPUs and Ollama models through the core', async () => {
    const s = await waitForState(
      (x) => x.snapshot.remotes.filter((r) => r.reachable).length === 2,
      'both remotes reachable',
    )
    // Only this profile's servers: the inactive laptop/remote profiles' endpoints are not probed.
    expect(s.snapshot.remotes.map((r) => `${r.kind} ${r.url}`).sort()).toEqual([
      `ollama ${base}`,
      `triton ${base}`,
    ])
    const gpu = s.snapshot.gpus.find((g) => g.source === 'triton')
    expect(gpu).toMatchObject({
      name: 'GPU-1',
      utilizationPercent: 50,
      memoryUsedBytes: 40_000_000_000,
      memoryTotalBytes: 85_899_345_920,
      powerWatts: 310.5,
    })
    expect(s.snapshot.remotes.find((r) => r.kind === 'ollama')?.models?.[0]?.name).toBe(
      'nomic-embed-text:latest',
    )
    expect(seen.some((r) => r.path === '/metrics')).toBe(true)
    expect(seen.some((r) => r.path === '/api/ps')).toBe(true)
  })

  it('sends the endpoint’s saved token as a bearer header to its own origin', async () => {
    await core!.dispatcher.dispatch('settings.setToken', { endpointId: 'box', token: TOKEN }, ctx)
    // The token is read on every probe; changing the settings re-creates the probes and reads now.
    seen.length = 0
    await core!.dispatcher.dispatch('profiles.select', { id: 'quiet' }, ctx)
    await core!.dispatcher.dispatch('profiles.select', { id: 'watch' }, ctx)
    await waitForState(() => seen.some((r) => r.path === '/api/ps'), 'a fresh /api/ps read')
    expect(seen.find((r) => r.path === '/api/ps')?.auth).toBe(`Bearer ${TOKEN}`)
    // Triton's metrics port is another origin than the endpoint the token was saved for.
    await core!.dispatcher.dispatch('settings.setToken', { endpointId: 'dgx', token: TOKEN }, ctx)
    expect(seen.filter((r) => r.path === '/metrics').every((r) => r.auth === undefined)).toBe(true)
  })

  it('drops the remote readings when the profile no longer uses those servers', async () => {
    await core!.dispatcher.dispatch('profiles.select', { id: 'quiet' }, ctx)
    const s = await waitForState((x) => x.snapshot.remotes.length === 0, 'remotes gone')
    expect(s.snapshot.gpus.filter((g) => g.source === 'triton')).toEqual([])
    // And nobody probes them any more.
    const before = seen.filter((r) => r.path === '/metrics' || r.path === '/api/ps').length
    await new Promise((r) => setTimeout(r, 300))
    expect(seen.filter((r) => r.path === '/metrics' || r.path === '/api/ps').length).toBe(before)
  })

  it('offline profile: a non-loopback metrics URL is refused without opening a socket', async () => {
    connects.length = 0
    await core!.dispatcher.dispatch('profiles.select', { id: 'cut' }, ctx)
    const s = await waitForState(
      (x) => x.snapshot.remotes.length === 2 && x.snapshot.remotes.every((r) => r.error !== undefined),
      'both offline remotes answered',
    )
    const byUrl = new Map(s.snapshot.remotes.map((r) => [r.url, r]))
    // An IP literal: the core's HTTP layer refuses it (the process-wide loopback-only rule).
    const ip = byUrl.get('http://10.255.255.1:8002')
    expect(ip?.reachable).toBe(false)
    expect(ip?.error).toMatch(/offline profile: connection to 10\.255\.255\.1 refused/)
    // A name: not even resolved.
    expect(byUrl.get('http://dgx.invalid:8002')?.error).toMatch(
      /offline profile: dgx\.invalid is not a loopback address/,
    )
    expect(connects.filter((h) => h.includes('10.255.255.1') || h.includes('dgx.invalid'))).toEqual([])
  })
})
