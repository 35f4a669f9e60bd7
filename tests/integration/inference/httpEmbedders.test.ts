import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { HttpClient, failureReason } from '../../../src/main/core/net/httpClient'
import { createHttpEmbedder, type HttpEmbedderKind } from '../../../src/main/core/inference/httpEmbedders'
import { FakeOllama } from '../../helpers/fakeOllama'
import { FakeOpenAi } from '../../helpers/fakeOpenAi'
import { FakeTriton } from '../../helpers/fakeTriton'
import { fakeEmbedding, type ProtocolServer } from '../../helpers/protocolServer'

const cases: { kind: HttpEmbedderKind; server: () => ProtocolServer; model: string; path: RegExp }[] = [
  { kind: 'ollama', server: () => new FakeOllama(), model: 'nomic-embed-text', path: /^\/api\/embed$/ },
  {
    kind: 'triton',
    server: () => new FakeTriton(),
    model: 'embedder',
    path: /^\/v2\/models\/embedder\/infer$/,
  },
  { kind: 'openai', server: () => new FakeOpenAi(), model: 'embed-small', path: /^\/v1\/embeddings$/ },
]

const texts = [
  'function parseHttpHeader(line) {',
  'class TokenBucket',
  'ünïcödé ✓ 😀',
  '',
  'x',
  'return a + b',
  'SELECT 1',
]

describe.each(cases)('$kind embedder over real HTTP', ({ kind, server: make, model, path }) => {
  let server: ProtocolServer
  let http: HttpClient
  beforeAll(async () => {
    server = await make().start()
    http = new HttpClient()
  })
  afterAll(async () => {
    http.dispose()
    await server.close()
  })

  it('embeds in batches of maxBatch, in order, with the dimension learnt from the first answer', async () => {
    server.reset()
    const e = createHttpEmbedder({ kind, url: server.url, model, maxBatch: 3, http })
    expect(e.id).toBe(`${kind}:${model}`)
    expect(e.dimensions).toBeNull()
    const vectors = await e.embed(texts)
    expect(vectors).toHaveLength(texts.length)
    expect(e.dimensions).toBe(8)
    texts.forEach((t, i) => {
      const want = fakeEmbedding(t)
      expect(Array.from(vectors[i] ?? [])).toEqual(want.map((x) => Math.fround(x)))
    })
    expect(server.requests).toHaveLength(3) // 3 + 3 + 1
    for (const r of server.requests) expect(r.path).toMatch(path)
    if (kind === 'triton') {
      expect(server.requests[0]?.body).toMatchObject({
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [3, 1] }],
      })
    }
  })

  it('an unknown model is not_found / model_missing', async () => {
    const e = createHttpEmbedder({ kind, url: server.url, model: 'missing-model', http })
    try {
      await e.embed(['a'])
      throw new Error('expected failure')
    } catch (err) {
      expect(err).toBeInstanceOf(HearthError)
      expect((err as HearthError).code).toBe('not_found')
      expect(failureReason(err)).toBe('model_missing')
    }
  })

  it('a hung server ends by the deadline, an abort ends at once', async () => {
    server.fault = { kind: 'hang' }
    const e = createHttpEmbedder({ kind, url: server.url, model, http, timeoutMs: 300 })
    const t0 = performance.now()
    await expect(e.embed(['a'])).rejects.toMatchObject({ code: 'timeout' })
    expect(performance.now() - t0).toBeLessThan(1500)
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 20)
    await expect(e.embed(['a'], ac.signal)).rejects.toMatchObject({ code: 'cancelled' })
    server.fault = undefined
  })

  it('HTTP 500 is unavailable / server_error', async () => {
    server.fault = { kind: 'status', status: 500, body: '{"error":"boom"}' }
    const e = createHttpEmbedder({ kind, url: server.url, model, http })
    await expect(e.embed(['a'])).rejects.toMatchObject({
      code: 'unavailable',
      details: { reason: 'server_error' },
    })
    server.fault = undefined
  })
})

describe('triton output parsing', () => {
  it('rejects a response whose shape does not match its data', async () => {
    class BadTriton extends FakeTriton {
      protected override route(method: string, p: string, body: unknown) {
        const r = super.route(method, p, body)
        const v = JSON.parse(r.chunks[0] ?? '{}') as { outputs: { shape: number[] }[] }
        if (v.outputs?.[0]) v.outputs[0].shape = [1, 3]
        return { ...r, chunks: [JSON.stringify(v)] }
      }
    }
    const s = await new BadTriton().start()
    const http = new HttpClient()
    const e = createHttpEmbedder({ kind: 'triton', url: s.url, model: 'embedder', http })
    await expect(e.embed(['a', 'b'])).rejects.toMatchObject({
      code: 'unavailable',
      details: { reason: 'malformed' },
    })
    http.dispose()
    await s.close()
  })
})
