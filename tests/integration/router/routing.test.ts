import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { BackendsStatus } from '../../../src/shared/contract/settings'
import { HearthError } from '../../../src/shared/errors'
import { collect } from '../../../src/main/core/inference/fimTypes'
import { HttpClient } from '../../../src/main/core/net/httpClient'
import type { ModelRouter } from '../../../src/main/core/router/modelRouter'
import { FakeOllama } from '../../helpers/fakeOllama'
import { FakeOpenAi } from '../../helpers/fakeOpenAi'
import { FakeTritonRepo } from '../../helpers/fakeTritonRepo'
import { DEFAULT_TOKENS, type ProtocolServer } from '../../helpers/protocolServer'
import { genOpts, makeRouter, prompt, refusedUrl, remoteSettings, type Clock } from './routerFixture'

const EXPECTED = DEFAULT_TOKENS.join('')

let http: HttpClient
let triton: FakeTritonRepo
let ollama: FakeOllama
let ollama2: FakeOllama
let openai: FakeOpenAi
let router: ModelRouter | undefined

beforeAll(async () => {
  triton = await new FakeTritonRepo().start()
  ollama = await new FakeOllama().start()
  ollama2 = await new FakeOllama().start()
  openai = await new FakeOpenAi().start()
})
afterAll(async () => {
  await Promise.all([triton.close(), ollama.close(), ollama2.close(), openai.close()])
})
beforeEach(() => {
  http = new HttpClient()
  for (const s of [triton, ollama, ollama2, openai] as ProtocolServer[]) {
    s.reset()
    s.connections = 0
  }
  triton.serverReady = true
  triton.failNext = undefined
  openai.token = undefined
})
afterEach(async () => {
  await router?.dispose()
  router = undefined
  http.dispose()
})

const generateCalls = (s: ProtocolServer): number =>
  s.requests.filter((r) => /generate|infill|completions/.test(r.path)).length
const served = (s: BackendsStatus, task = 'completion') => s.tasks.find((t) => t.task === task)
const complete = async (r: ModelRouter, extra = {}) =>
  collect(r.completionProvider().stream(prompt, genOpts(extra)))

async function failure(p: Promise<unknown>): Promise<{ err: HearthError; ms: number }> {
  const t0 = performance.now()
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(HearthError)
    return { err: err as HearthError, ms: performance.now() - t0 }
  }
  throw new Error('expected a failure')
}

describe('routing and fallback', () => {
  it('serves the preferred tier (Triton) and records per-model stats', async () => {
    let clock: Clock
    ;({ router, clock } = makeRouter(http, remoteSettings({ triton: triton.url, ollama: ollama.url })))
    void clock
    const r = await complete(router)
    expect(r.text).toBe(EXPECTED)
    expect(generateCalls(triton)).toBe(1)
    expect(generateCalls(ollama)).toBe(0)
    const st = router.stats.list()
    expect(st).toEqual([
      expect.objectContaining({ endpointId: 'triton', model: 'fim_ensemble', requests: 1, errors: 0 }),
    ])
    expect(st[0]?.p50Ms).toBeGreaterThan(0)
    expect(router.completionProvider().model).toBe('fim_ensemble')
  })

  it('breaker opens after repeated failures, falls back, half-opens and closes by itself (injected clock)', async () => {
    let clock: Clock
    ;({ router, clock } = makeRouter(http, remoteSettings({ triton: triton.url, ollama: ollama.url })))
    const events: BackendsStatus[] = []
    router.onStatus((s) => events.push(s))
    triton.fault = { kind: 'status', status: 500, body: '{"error":"CUDA out of memory"}' }
    for (let i = 0; i < 3; i++) {
      const { err } = await failure(complete(router))
      expect(err.message).toMatch(/HTTP 500/)
    }
    // Completions are never retried: each of the three went to Triton once, none to Ollama.
    expect(generateCalls(triton)).toBe(3)
    expect(generateCalls(ollama)).toBe(0)
    let s = router.status()
    expect(s.endpoints.find((e) => e.id === 'triton')).toMatchObject({ breaker: 'open', state: 'down' })
    expect(served(s)).toMatchObject({ endpointId: 'ollama', tier: 1, fallback: true })
    expect(events.at(-1)?.tasks[0]).toMatchObject({ endpointId: 'ollama', fallback: true })

    // While open, traffic goes to the fallback without touching Triton.
    expect((await complete(router)).text).toBe(EXPECTED)
    expect(generateCalls(triton)).toBe(3)
    expect(generateCalls(ollama)).toBe(1)

    // The server recovers; nothing happens until the open period ends…
    triton.fault = undefined
    await router.checkAll()
    expect(router.status().endpoints.find((e) => e.id === 'triton')?.breaker).toBe('open')
    // …then the health check is the half-open probe, and its success closes the breaker.
    clock.advance(5_000)
    expect(router.status().endpoints.find((e) => e.id === 'triton')?.breaker).toBe('half_open')
    s = await router.checkAll()
    expect(s.endpoints.find((e) => e.id === 'triton')).toMatchObject({ breaker: 'closed', state: 'ok' })
    expect(served(s)).toMatchObject({ endpointId: 'triton', tier: 0, fallback: false })
    expect((await complete(router)).text).toBe(EXPECTED)
    expect(generateCalls(triton)).toBe(4)
  })

  it('a failed probe re-opens the breaker for twice as long', async () => {
    let clock: Clock
    ;({ router, clock } = makeRouter(http, remoteSettings({ triton: triton.url, ollama: ollama.url })))
    triton.serverReady = false
    await router.checkAll()
    for (let i = 0; i < 3; i++) {
      clock.advance(1)
      await router.checkAll()
    }
    const t = () => router!.status().endpoints.find((e) => e.id === 'triton')!
    expect(t()).toMatchObject({ state: 'not_ready', breaker: 'open' })
    clock.advance(5_000)
    await router.checkAll() // probe fails
    expect(t().breaker).toBe('open')
    expect(t().retryAt).toBe(clock.t + 10_000)
  })

  it('falls back Triton → Ollama → embedded (real engine) and back when each recovers', async () => {
    let clock: Clock
    ;({ router, clock } = makeRouter(
      http,
      remoteSettings({ triton: triton.url, ollama: ollama.url }, { failureThreshold: 1, openMs: 1000 }),
    ))
    triton.serverReady = false
    ollama.fault = { kind: 'status', status: 500, body: '{"error":"boom"}' }
    const s = await router.checkAll()
    expect(s.endpoints.map((e) => [e.id, e.state, e.breaker])).toEqual([
      ['triton', 'not_ready', 'open'],
      ['ollama', 'down', 'open'],
      ['embedded', 'ok', 'closed'],
    ])
    expect(served(s)).toMatchObject({ endpointId: 'embedded', tier: 2, fallback: true })
    const viaEngine = await complete(router, {
      maxTokens: 8,
      timeoutMs: 30_000,
      firstByteMs: 30_000,
      stallMs: 30_000,
    })
    expect(viaEngine.timing.tokens).toBeGreaterThan(0)
    expect(router.completionProvider().kind).toBe('embedded')

    ollama.fault = undefined
    clock.advance(1000)
    expect(served(await router.checkAll())).toMatchObject({ endpointId: 'ollama', tier: 1 })
    expect((await complete(router)).text).toBe(EXPECTED)

    triton.serverReady = true
    // Triton's probe at the previous check failed (still not ready), so it re-opened for 2 × 1000 ms.
    clock.advance(2000)
    expect(served(await router.checkAll())).toMatchObject({ endpointId: 'triton', tier: 0, fallback: false })
    expect((await complete(router)).text).toBe(EXPECTED)
    expect(generateCalls(triton)).toBe(1)
  })

  it('connection refused moves on at once (nothing was sent); a hang is never retried late', async () => {
    const dead = await refusedUrl()
    ;({ router } = makeRouter(http, remoteSettings({ triton: dead, ollama: ollama.url })))
    const r = await complete(router)
    expect(r.text).toBe(EXPECTED)
    expect(generateCalls(ollama)).toBe(1)
    expect(router.status().endpoints.find((e) => e.id === 'triton')?.state).toBe('down')

    await router.dispose()
    ;({ router } = makeRouter(http, remoteSettings({ triton: triton.url, ollama: ollama.url })))
    triton.fault = { kind: 'hang' }
    const { err, ms } = await failure(complete(router, { timeoutMs: 300, firstByteMs: 300 }))
    expect(err.code).toBe('timeout')
    expect(ms).toBeLessThan(300 + 200)
    expect(generateCalls(ollama)).toBe(1) // unchanged: the late completion was not retried anywhere
    expect(router.status().endpoints.find((e) => e.id === 'triton')?.state).toBe('timeout')
  })

  it('slow stream and stalled stream end by the deadline, each with its own state', async () => {
    ;({ router } = makeRouter(http, remoteSettings({ triton: triton.url, ollama: ollama.url })))
    triton.split = { mode: 'natural', delayMs: 150 }
    const slow = await failure(complete(router, { timeoutMs: 400, stallMs: 1000 }))
    expect(slow.err.code).toBe('timeout')
    expect(slow.ms).toBeLessThan(400 + 200)
    triton.split = { mode: 'natural' }
    triton.fault = { kind: 'stall', afterChunks: 2 }
    const stalled = await failure(complete(router, { timeoutMs: 2000, stallMs: 200 }))
    expect(stalled.err.message).toMatch(/stalled/)
    expect(stalled.ms).toBeLessThan(200 + 250)
    expect(router.status().endpoints.find((e) => e.id === 'triton')?.state).toBe('timeout')
  })

  it('malformed stream → malformed; model missing → model_missing with the pull command, then fallback', async () => {
    ;({ router } = makeRouter(http, remoteSettings({ triton: triton.url, ollama: ollama.url })))
    triton.fault = {
      kind: 'status',
      status: 200,
      body: 'data: {"text_output": oops\n\n',
      contentType: 'text/event-stream',
    }
    const bad = await failure(complete(router))
    expect(bad.err.message).toMatch(/malformed/)
    expect(router.status().endpoints.find((e) => e.id === 'triton')?.state).toBe('malformed')

    triton.fault = undefined
    triton.models.delete('fim_ensemble')
    ollama.models.delete('qwen2.5-coder:1.5b')
    try {
      await failure(complete(router)) // Triton 400 unknown model
      await failure(complete(router)) // now Ollama: 404
      const s = router.status()
      const o = s.endpoints.find((e) => e.id === 'ollama')
      expect(o).toMatchObject({ state: 'model_missing', fix: 'ollama pull qwen2.5-coder:1.5b' })
      expect(served(s)).toMatchObject({ endpointId: 'embedded', fallback: true })
    } finally {
      triton.models.add('fim_ensemble')
      ollama.models.add('qwen2.5-coder:1.5b')
    }
  })

  it('401 → unauthorized and skipped; setting the token brings it back', async () => {
    openai.token = 'sk-correct-horse'
    const settings = remoteSettings({ triton: triton.url, ollama: ollama.url, openai: openai.url })
    settings.profiles.remote!.tasks.completion.chain = [
      { endpoints: ['openai'], model: 'qwen2.5-coder-1.5b' },
      { endpoints: ['ollama'], model: 'qwen2.5-coder:1.5b' },
    ]
    let tokens
    ;({ router, tokens } = makeRouter(http, settings))
    const s = await router.checkAll()
    expect(s.endpoints.find((e) => e.id === 'openai')).toMatchObject({
      state: 'unauthorized',
      hasToken: false,
    })
    expect(served(s)).toMatchObject({ endpointId: 'ollama', fallback: true })
    await tokens.set('openai', openai.url, 'sk-correct-horse')
    router.tokenChanged('openai')
    const after = await router.checkAll()
    expect(after.endpoints.find((e) => e.id === 'openai')).toMatchObject({ state: 'ok', hasToken: true })
    expect((await complete(router)).text).toBe(EXPECTED)
    expect(openai.requests.at(-1)?.headers.authorization).toBe('Bearer sk-correct-horse')
  })
})

describe('balancing across endpoints of one tier', () => {
  const twoOllamas = (balancing: 'round-robin' | 'least-connections' | 'resource') => {
    const s = remoteSettings({ triton: triton.url, ollama: ollama.url, ollama2: ollama2.url })
    s.profiles.remote!.balancing = balancing
    s.profiles.remote!.tasks.completion.chain = [
      { endpoints: ['ollama', 'ollama2'], model: 'qwen2.5-coder:1.5b' },
    ]
    return s
  }

  it('round-robin alternates', async () => {
    ;({ router } = makeRouter(http, twoOllamas('round-robin')))
    for (let i = 0; i < 6; i++) await complete(router)
    expect([generateCalls(ollama), generateCalls(ollama2)]).toEqual([3, 3])
  })

  it('least-connections sends concurrent requests to the idle endpoint', async () => {
    ;({ router } = makeRouter(http, twoOllamas('least-connections')))
    ollama.split = { mode: 'natural', delayMs: 60 }
    const first = complete(router) // ollama (turn 0), slow: stays in flight
    await new Promise((r) => setTimeout(r, 20))
    // Round-robin would send two of these four to the busy one; least-connections sends none.
    for (let i = 0; i < 4; i++) await complete(router)
    await first
    expect(generateCalls(ollama)).toBe(1)
    expect(generateCalls(ollama2)).toBe(4)
  })

  it('resource-based (default) prefers the faster endpoint, and avoids a busy GPU', async () => {
    ;({ router } = makeRouter(http, twoOllamas('resource')))
    ollama.split = { mode: 'natural', delayMs: 30 }
    for (let i = 0; i < 10; i++) await complete(router)
    expect(generateCalls(ollama2)).toBeGreaterThanOrEqual(8)

    await router.dispose()
    const gpu: Record<string, number> = { ollama: 10, ollama2: 97 }
    ollama.split = { mode: 'natural' }
    for (const s of [ollama, ollama2]) s.reset()
    ;({ router } = makeRouter(http, twoOllamas('resource'), { gpuLoad: (e) => gpu[e.id] }))
    for (let i = 0; i < 10; i++) await complete(router)
    expect(generateCalls(ollama)).toBeGreaterThanOrEqual(8)
  })

  it('reuses keep-alive connections', async () => {
    ;({ router } = makeRouter(http, twoOllamas('round-robin')))
    for (let i = 0; i < 10; i++) await complete(router)
    expect(ollama.connections + ollama2.connections).toBe(2)
  })
})

describe('embeddings: retried (idempotent), with jitter and Retry-After', () => {
  it('retries 503 with Retry-After and succeeds on the same model', async () => {
    ;({ router } = makeRouter(
      http,
      remoteSettings({ triton: triton.url, ollama: ollama.url }, { failureThreshold: 5 }),
    ))
    triton.failNext = { count: 2, status: 503, retryAfter: '0.15' }
    const e = router.embedder()
    expect(e.id).toBe('triton:embedder')
    const t0 = performance.now()
    const v = await e.embed(['a', 'b'])
    const ms = performance.now() - t0
    expect(v).toHaveLength(2)
    expect(triton.requests.filter((r) => r.path.endsWith('/infer'))).toHaveLength(3)
    expect(ms).toBeGreaterThanOrEqual(2 * 150 - 5)
    expect(e.id).toBe('triton:embedder')
  })

  it('does not retry what cannot succeed (400), and never changes model inside one call', async () => {
    ;({ router } = makeRouter(http, remoteSettings({ triton: triton.url, ollama: ollama.url })))
    triton.failNext = { count: 1, status: 400 }
    await failure(router.embedder().embed(['a']))
    expect(triton.requests.filter((r) => r.path.endsWith('/infer'))).toHaveLength(1)

    triton.failNext = { count: 10, status: 503 }
    const { err } = await failure(router.embedder().embed(['a']))
    expect(err.message).toMatch(/503/)
    expect(ollama.requests.filter((r) => r.path === '/api/embed')).toHaveLength(0)
    // The breaker opened: the next batch's embedder id names the fallback's model.
    expect(router.embedder().id).toBe('ollama:nomic-embed-text')
    expect(await router.embedder().embed(['x'])).toHaveLength(1)
  })

  it('completions are not retried on 503 either', async () => {
    ;({ router } = makeRouter(http, remoteSettings({ triton: triton.url, ollama: ollama.url })))
    triton.failNext = { count: 1, status: 503 }
    await failure(complete(router))
    expect(generateCalls(triton)).toBe(1)
    expect(generateCalls(ollama)).toBe(0)
  })
})

describe('size rule and latency budget', () => {
  it('sends a complex prompt to the large model and a tiny one to the small model', async () => {
    const s = remoteSettings({ triton: triton.url, ollama: ollama.url })
    s.profiles.remote!.tasks.completion = {
      chain: [{ endpoints: ['ollama'], model: 'qwen2.5-coder:1.5b' }],
      timeoutMs: 3000,
      rule: {
        smallModel: 'tiny',
        largeModel: 'huge',
        largeAbove: 2000,
        smallBelow: 40,
        respectLatencyBudget: true,
      },
    }
    ollama.models.add('tiny')
    ollama.models.add('huge')
    try {
      ;({ router } = makeRouter(http, s))
      const big = { ...prompt, prefixWithContext: 'x'.repeat(3000), prefix: 'x'.repeat(3000) }
      await collect(router.completionProvider().stream(big, genOpts()))
      const small = { ...prompt, prefixWithContext: 'x', prefix: 'x', suffix: '' }
      await collect(router.completionProvider().stream(small, genOpts()))
      await complete(router)
      const models = ollama.requests
        .filter((r) => r.path === '/api/generate')
        .map((r) => (r.body as { model: string }).model)
      expect(models).toEqual(['huge', 'tiny', 'qwen2.5-coder:1.5b'])
    } finally {
      ollama.models.delete('tiny')
      ollama.models.delete('huge')
    }
  })
})

describe('typing latency', () => {
  it('faults never block the event loop, and routing a request costs microseconds', async () => {
    const dead = await refusedUrl()
    const s = remoteSettings(
      { triton: triton.url, ollama: ollama.url, ollama2: dead },
      { failureThreshold: 100 },
    )
    s.profiles.remote!.tasks.completion.chain = [
      { endpoints: ['triton'], model: 'fim_ensemble' },
      { endpoints: ['ollama', 'ollama2'], model: 'qwen2.5-coder:1.5b' },
    ]
    ;({ router } = makeRouter(http, s))
    // Warm up (module code compiled, first sockets) so the window measures steady state.
    await complete(router)
    const loop = monitorEventLoopDelay({ resolution: 5 })
    loop.enable()
    triton.fault = { kind: 'hang' }
    ollama.fault = { kind: 'stall', afterChunks: 1 }
    const runs = Array.from({ length: 20 }, () =>
      complete(router!, { timeoutMs: 400, firstByteMs: 400, stallMs: 200 }).catch((e: unknown) => e),
    )
    const health = router.checkAll()
    const results = await Promise.all(runs)
    await health
    loop.disable()
    expect(results.every((r) => r instanceof HearthError)).toBe(true)
    // Shared 2-core machine: generous bound; a blocking bug shows as hundreds of ms.
    const p99 = loop.percentile(99) / 1e6
    expect(p99).toBeLessThan(50)

    triton.fault = undefined
    ollama.fault = undefined
    // (The health checks opened every breaker above; a fresh router for the cost of routing.)
    await router.dispose()
    ;({ router } = makeRouter(http, s))
    const times: number[] = []
    for (let i = 0; i < 2000; i++) {
      const t = performance.now()
      router.select('completion', { complexity: 500, latencyBudgetMs: 300 })
      times.push(performance.now() - t)
    }
    times.sort((a, b) => a - b)
    expect(times[Math.floor(times.length * 0.99)]).toBeLessThan(1)
  })
})
