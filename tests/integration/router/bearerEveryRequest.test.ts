import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { EndpointConfig, Settings } from '../../../src/shared/settings/schema'
import { createEmbedder } from '../../../src/main/core/inference/createEmbedder'
import { collect } from '../../../src/main/core/inference/fimTypes'
import { HttpClient } from '../../../src/main/core/net/httpClient'
import type { ModelRouter } from '../../../src/main/core/router/modelRouter'
import { RoutingServices } from '../../../src/main/core/router/routingServices'
import { FakeOllama } from '../../helpers/fakeOllama'
import { FakeOpenAi } from '../../helpers/fakeOpenAi'
import { FakeTritonRepo } from '../../helpers/fakeTritonRepo'
import { DEFAULT_TOKENS, type ProtocolServer } from '../../helpers/protocolServer'
import { genOpts, makeRouter, prompt, remoteSettings } from './routerFixture'

/**
 * Every request to an endpoint carries its credentials: each fake server sits behind "an auth
 * proxy" that answers 401 to any request without `Authorization: Bearer <token>`, on every route
 * (health checks, model lists, generate, embed). With the token stored for the endpoint, the
 * health check says ok AND completion, chat and embedding through the routed providers succeed —
 * for each provider kind — and no request reached a server without the token.
 */
const TOKENS = { ollama: 'ol_tok_5a1f', openai: 'sk_tok_77c2', triton: 'gw_tok_93de' }
const EXPECTED = DEFAULT_TOKENS.join('')

let ollama: FakeOllama
let openai: FakeOpenAi
let triton: FakeTritonRepo
let http: HttpClient
let router: ModelRouter | undefined

beforeAll(async () => {
  ollama = await new FakeOllama().start()
  openai = await new FakeOpenAi().start()
  triton = await new FakeTritonRepo().start()
  ollama.token = TOKENS.ollama
  openai.token = TOKENS.openai
  triton.token = TOKENS.triton
})
afterAll(async () => {
  await Promise.all([ollama.close(), openai.close(), triton.close()])
})
beforeEach(() => {
  http = new HttpClient()
  for (const s of [ollama, openai, triton] as ProtocolServer[]) s.reset()
})
afterEach(async () => {
  await router?.dispose()
  router = undefined
  http.dispose()
})

interface Case {
  name: string
  server: () => ProtocolServer
  token: string
  endpoint: () => EndpointConfig
  completionModel: string
  embeddingModel: string
  /** The data routes this kind must have reached (each with the token). */
  dataPaths: RegExp[]
}

const cases: Case[] = [
  {
    name: 'ollama',
    server: () => ollama,
    token: TOKENS.ollama,
    endpoint: () => ({ kind: 'ollama', url: ollama.url }),
    completionModel: 'qwen2.5-coder:1.5b',
    embeddingModel: 'nomic-embed-text',
    dataPaths: [/^\/api\/generate$/, /^\/api\/embed$/],
  },
  {
    name: 'openai-compatible (/v1/completions)',
    server: () => openai,
    token: TOKENS.openai,
    endpoint: () => ({ kind: 'openai', url: openai.url }),
    completionModel: 'qwen2.5-coder-1.5b',
    embeddingModel: 'embed-small',
    dataPaths: [/^\/v1\/completions$/, /^\/v1\/embeddings$/],
  },
  {
    name: 'openai-compatible (llama.cpp /infill)',
    server: () => openai,
    token: TOKENS.openai,
    endpoint: () => ({ kind: 'openai', url: openai.url, fim: 'infill' }),
    completionModel: 'qwen2.5-coder-1.5b',
    embeddingModel: 'embed-small',
    dataPaths: [/^\/infill$/, /^\/v1\/embeddings$/],
  },
  {
    name: 'triton',
    server: () => triton,
    token: TOKENS.triton,
    endpoint: () => ({ kind: 'triton', url: triton.url }),
    completionModel: 'fim_ensemble',
    embeddingModel: 'embedder',
    dataPaths: [/\/generate_stream$/, /\/infer$/],
  },
]

/** One endpoint serving every task of the active profile. */
function oneEndpoint(c: Case): Settings {
  const s = remoteSettings({ triton: triton.url, ollama: ollama.url })
  s.endpoints = { ep: c.endpoint() }
  const tasks = s.profiles.remote!.tasks
  tasks.completion.chain = [{ endpoints: ['ep'], model: c.completionModel }]
  tasks.chat.chain = [{ endpoints: ['ep'], model: c.completionModel }]
  tasks.reasoning.chain = [{ endpoints: ['ep'], model: c.completionModel }]
  tasks.embedding.chain = [{ endpoints: ['ep'], model: c.embeddingModel }]
  return s
}

function expectEveryRequestAuthorized(server: ProtocolServer, token: string): void {
  expect(server.requests.length).toBeGreaterThan(0)
  const without = server.requests.filter((r) => r.headers.authorization !== `Bearer ${token}`)
  expect(
    without.map((r) => `${r.method} ${r.path}`),
    'requests that reached the server without the token',
  ).toEqual([])
}

describe('bearer token on every request to its endpoint', () => {
  /** A router over the case's one endpoint, its token stored, health checked (ok). */
  async function routed(c: Case): Promise<ModelRouter> {
    const made = makeRouter(http, oneEndpoint(c))
    router = made.router
    await made.tokens.set('ep', c.endpoint().url, c.token)
    router.tokenChanged('ep')
    const status = await router.checkAll()
    expect(status.endpoints.find((e) => e.id === 'ep')).toMatchObject({ state: 'ok', hasToken: true })
    return router
  }

  it.each(cases)('$name: health ok, and completion and chat succeed', async (c) => {
    const r = await routed(c)
    const done = await collect(r.completionProvider().stream(prompt, genOpts()))
    expect(done.text).toBe(EXPECTED)
    const chat = await collect(r.completionProvider('chat').stream(prompt, genOpts()))
    expect(chat.text).toBe(EXPECTED)
    const server = c.server()
    expect(server.requests.some((q) => c.dataPaths[0]!.test(q.path))).toBe(true)
    expectEveryRequestAuthorized(server, c.token)
  })

  it.each(cases)('$name: health ok, and embedding succeeds', async (c) => {
    const r = await routed(c)
    const vectors = await r.embedder().embed(['function add(a, b)', 'return a + b'])
    expect(vectors).toHaveLength(2)
    expect(vectors[0]!.length).toBeGreaterThan(0)
    const server = c.server()
    expect(server.requests.some((q) => c.dataPaths[1]!.test(q.path))).toBe(true)
    expectEveryRequestAuthorized(server, c.token)
  })

  it('the fake proxies do refuse a request without the token (so the cases above prove something)', async () => {
    const res = await http.request(`${ollama.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'qwen2.5-coder:1.5b', prompt: 'x' }),
    })
    expect(res.status).toBe(401)
    res.discard()
  })

  it('hearth complete --provider ollama with HEARTH_FIM_TOKEN: the override endpoint sends it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hearth-bearer-'))
    const routing = await RoutingServices.create({
      dataDir,
      monitor: false,
      watchIntervalMs: 0,
      env: {},
      override: {
        task: 'completion',
        serve: { endpoint: { kind: 'ollama', url: ollama.url }, model: 'qwen2.5-coder:1.5b' },
        token: TOKENS.ollama,
      },
    })
    try {
      const done = await collect(routing.router.completionProvider().stream(prompt, genOpts()))
      expect(done.text).toBe(EXPECTED)
    } finally {
      await routing.dispose()
      await rm(dataDir, { recursive: true, force: true })
    }
    expect(ollama.requests.some((r) => r.path === '/api/generate')).toBe(true)
    expectEveryRequestAuthorized(ollama, TOKENS.ollama)
  })

  it('hearth index --embedder ollama with HEARTH_EMBED_TOKEN: /api/embed sends it', async () => {
    const embedder = createEmbedder(
      'ollama',
      { HEARTH_EMBED_URL: ollama.url, HEARTH_EMBED_TOKEN: TOKENS.ollama },
      http,
    )
    expect(await embedder!.embed(['a', 'b'])).toHaveLength(2)
    expect(ollama.requests.some((r) => r.path === '/api/embed')).toBe(true)
    expectEveryRequestAuthorized(ollama, TOKENS.ollama)
  })
})
