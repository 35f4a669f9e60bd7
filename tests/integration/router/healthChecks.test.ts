import { createServer } from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { checkEndpoint, type CheckTarget } from '../../../src/main/core/health/checkEndpoint'
import { HttpClient } from '../../../src/main/core/net/httpClient'
import { listModels } from '../../../src/main/core/router/listModels'
import { FakeOllama } from '../../helpers/fakeOllama'
import { FakeOpenAi } from '../../helpers/fakeOpenAi'
import { FakeTritonRepo } from '../../helpers/fakeTritonRepo'
import type { ProtocolServer } from '../../helpers/protocolServer'

const MODELS_DIR = '/work/shared/models'
const GGUF = 'stories260K-fim-test.gguf'
const TIMEOUT = 400
const SLOW = 120
const opts = { timeoutMs: TIMEOUT, slowMs: SLOW }

let http: HttpClient
let ollama: FakeOllama
let triton: FakeTritonRepo
let openai: FakeOpenAi
let refusedUrl: string

/** A port that was just bound and released: connecting to it is refused. */
async function closedPort(): Promise<string> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return `http://127.0.0.1:${port}`
}

beforeAll(async () => {
  http = new HttpClient()
  ollama = await new FakeOllama().start()
  triton = await new FakeTritonRepo().start()
  openai = await new FakeOpenAi().start()
  refusedUrl = await closedPort()
})
afterAll(async () => {
  http.dispose()
  await Promise.all([ollama.close(), triton.close(), openai.close()])
})
beforeEach(() => {
  for (const s of [ollama, triton, openai] as ProtocolServer[]) s.reset()
  triton.serverReady = true
  triton.loading.clear()
  triton.token = undefined
  openai.token = undefined
})

const targets = (): Record<'ollama' | 'triton' | 'openai', CheckTarget> => ({
  ollama: {
    endpointId: 'o',
    kind: 'ollama',
    url: ollama.url,
    models: ['qwen2.5-coder:1.5b', 'nomic-embed-text'],
  },
  triton: { endpointId: 't', kind: 'triton', url: triton.url, models: ['fim_ensemble', 'embedder'] },
  openai: { endpointId: 'a', kind: 'openai', url: openai.url, models: ['qwen2.5-coder-1.5b'] },
})

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now()
  const value = await p
  return { value, ms: performance.now() - t }
}

describe('health checks speak each protocol', () => {
  it.each(['ollama', 'triton', 'openai'] as const)('%s: healthy server → ok', async (kind) => {
    const r = await checkEndpoint(http, targets()[kind], opts)
    expect(r.state, r.message).toBe('ok')
    const server = { ollama, triton, openai }[kind]
    const paths = server.requests.map((q) => `${q.method} ${q.path}`)
    expect(paths).toEqual(
      {
        ollama: ['GET /api/version', 'GET /api/tags'],
        triton: [
          'GET /v2/health/ready',
          'GET /v2/models/fim_ensemble/ready',
          'GET /v2/models/embedder/ready',
        ],
        openai: ['GET /v1/models'],
      }[kind],
    )
  })

  it('embedded: the GGUF exists → ok; a missing one → model_missing naming the path', async () => {
    const ok = await checkEndpoint(
      http,
      { endpointId: 'e', kind: 'embedded', modelsDir: MODELS_DIR, models: [GGUF, 'default'] },
      opts,
    )
    expect(ok.state).toBe('ok')
    const missing = await checkEndpoint(
      http,
      { endpointId: 'e', kind: 'embedded', modelsDir: MODELS_DIR, models: ['nope.gguf'] },
      opts,
    )
    expect(missing.state).toBe('model_missing')
    expect(missing.fix).toContain(join(MODELS_DIR, 'nope.gguf'))
  })
})

describe('each fault ends by its deadline with its own state', () => {
  const kinds = ['ollama', 'triton', 'openai'] as const

  it.each(kinds)('%s: connection refused → down', async (kind) => {
    const { value, ms } = await timed(checkEndpoint(http, { ...targets()[kind], url: refusedUrl }, opts))
    expect(value.state).toBe('down')
    expect(value.message).toMatch(/refused/)
    expect(ms).toBeLessThan(TIMEOUT)
  })

  it.each(kinds)('%s: accept then hang → timeout at the deadline', async (kind) => {
    const server = { ollama, triton, openai }[kind]
    server.fault = { kind: 'hang' }
    const { value, ms } = await timed(checkEndpoint(http, targets()[kind], opts))
    expect(value.state).toBe('timeout')
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT - 5)
    expect(ms).toBeLessThan(TIMEOUT + 250)
  })

  it.each(kinds)('%s: malformed JSON → malformed', async (kind) => {
    const server = { ollama, triton, openai }[kind]
    // Triton's readiness has no body; its malformed answer comes from the repository index below.
    if (kind === 'triton') return
    server.fault = { kind: 'status', status: 200, body: '{"models": [oops' }
    const { value, ms } = await timed(checkEndpoint(http, targets()[kind], opts))
    expect(value.state).toBe('malformed')
    expect(ms).toBeLessThan(TIMEOUT)
  })

  it.each(kinds)('%s: slow answer (under the deadline) → slow', async (kind) => {
    const server = { ollama, triton, openai }[kind]
    server.split = { mode: 'natural', delayMs: kind === 'triton' ? 50 : SLOW + 30 }
    const { value } = await timed(checkEndpoint(http, targets()[kind], opts))
    expect(value.state).toBe('slow')
    expect(value.message).toMatch(/slow/)
  })

  it('triton: 503 not ready → not_ready; a loading model → not_ready; an unknown one → model_missing', async () => {
    triton.serverReady = false
    expect((await checkEndpoint(http, targets().triton, opts)).state).toBe('not_ready')
    triton.serverReady = true
    triton.loading.add('embedder')
    const loading = await checkEndpoint(http, targets().triton, opts)
    expect(loading.state).toBe('not_ready')
    expect(loading.message).toContain('"embedder"')
    const missing = await checkEndpoint(
      http,
      { ...targets().triton, models: ['fim_ensemble', 'qwen_72b'] },
      opts,
    )
    expect(missing.state).toBe('model_missing')
    expect(missing.fix).toBe(`curl -X POST ${triton.url}/v2/repository/models/qwen_72b/load`)
  })

  it('401 → unauthorized (openai without its token, triton behind a gateway)', async () => {
    openai.token = 'right-token'
    const a = await checkEndpoint(http, targets().openai, opts)
    expect(a.state).toBe('unauthorized')
    expect((await checkEndpoint(http, { ...targets().openai, token: 'right-token' }, opts)).state).toBe('ok')
    triton.token = 'gw'
    expect((await checkEndpoint(http, targets().triton, opts)).state).toBe('unauthorized')
  })

  it('ollama: a model it lacks → model_missing with the exact pull command', async () => {
    const r = await checkEndpoint(
      http,
      { ...targets().ollama, models: ['qwen2.5-coder:1.5b', 'qwen2.5-coder:7b'] },
      opts,
    )
    expect(r.state).toBe('model_missing')
    expect(r.fix).toBe('ollama pull qwen2.5-coder:7b')
    expect(r.missingModels).toEqual(['qwen2.5-coder:7b'])
  })

  it('openai: a model it does not serve → model_missing', async () => {
    const r = await checkEndpoint(http, { ...targets().openai, models: ['gpt-x'] }, opts)
    expect(r.state).toBe('model_missing')
    expect(r.message).toContain('qwen2.5-coder-1.5b')
  })
})

describe('model listing', () => {
  it('ollama /api/tags, triton /v2/repository/index, openai /v1/models, embedded GGUF folder', async () => {
    const o = await listModels(http, { kind: 'ollama', url: ollama.url }, { timeoutMs: TIMEOUT })
    expect(o.map((m) => m.name).sort()).toEqual(['nomic-embed-text', 'qwen2.5-coder:1.5b'])
    const t = await listModels(http, { kind: 'triton', url: triton.url }, { timeoutMs: TIMEOUT })
    expect(t).toContainEqual({ name: 'big_model', sizeBytes: null, state: 'UNAVAILABLE' })
    expect(t).toContainEqual({ name: 'fim_ensemble', sizeBytes: null, state: 'READY' })
    expect(triton.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v2/repository/index' })
    const a = await listModels(http, { kind: 'openai', url: openai.url }, { timeoutMs: TIMEOUT })
    expect(a.map((m) => m.name)).toContain('qwen2.5-coder-1.5b')
    const e = await listModels(http, { kind: 'embedded', modelsDir: MODELS_DIR }, { timeoutMs: TIMEOUT })
    expect(e.map((m) => m.name)).toEqual(['stories260K-fim-test.gguf', 'stories260K.gguf', 'default'])
  })

  it('malformed repository index is a clear error', async () => {
    triton.fault = { kind: 'status', status: 200, body: '{"not":"a list"}' }
    await expect(
      listModels(http, { kind: 'triton', url: triton.url }, { timeoutMs: TIMEOUT }),
    ).rejects.toThrow(/malformed/)
  })

  it('an empty models folder still lists the built-in embedder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-models-'))
    try {
      await writeFile(join(dir, 'readme.txt'), 'x')
      const e = await listModels(http, { kind: 'embedded', modelsDir: dir }, { timeoutMs: TIMEOUT })
      expect(e.map((m) => m.name)).toEqual(['default'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
