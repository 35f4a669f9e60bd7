import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { HttpClient, failureReason } from '../../../src/main/core/net/httpClient'
import {
  collect,
  type CompletionProvider,
  type GenerateOptions,
} from '../../../src/main/core/inference/fimTypes'
import { OllamaProvider } from '../../../src/main/core/inference/ollamaProvider'
import { OpenAiProvider } from '../../../src/main/core/inference/openAiProvider'
import { LlamaCppInfillProvider } from '../../../src/main/core/inference/llamaCppInfillProvider'
import { TritonProvider } from '../../../src/main/core/inference/tritonProvider'
import { buildPrompt, DEFAULT_PROMPT_BUDGET } from '../../../src/main/core/completion/promptBudget'
import { templateFor } from '../../../src/main/core/inference/fimTemplates'
import { FakeOllama } from '../../helpers/fakeOllama'
import { FakeOpenAi } from '../../helpers/fakeOpenAi'
import { FakeTriton } from '../../helpers/fakeTriton'
import { DEFAULT_TOKENS, type ProtocolServer } from '../../helpers/protocolServer'

const EXPECTED = DEFAULT_TOKENS.join('')

const prompt = buildPrompt(
  templateFor('qwen2.5-coder:1.5b'),
  {
    prefix: 'function add(a, b) {\n  ',
    suffix: '\n}\n',
    snippets: [{ path: 'src/math.ts', text: 'export const zero = 0\n' }],
    path: 'src/add.ts',
    language: 'typescript',
  },
  DEFAULT_PROMPT_BUDGET,
)

function opts(extra: Partial<GenerateOptions> = {}): GenerateOptions {
  return {
    maxTokens: 64,
    temperature: 0.1,
    stop: ['<|endoftext|>'],
    numCtx: 4096,
    signal: new AbortController().signal,
    timeoutMs: 5000,
    firstByteMs: 2000,
    stallMs: 2000,
    ...extra,
  }
}

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

interface Case {
  name: string
  server: () => ProtocolServer
  provider: (url: string, http: HttpClient) => CompletionProvider
  missingModel: (url: string, http: HttpClient) => CompletionProvider
  checkRequest?: (s: ProtocolServer) => void
  /** One JSON answer, no stream: "mid-stream" faults are tested before the answer instead. */
  oneShot?: boolean
}

const cases: Case[] = [
  {
    name: 'ollama /api/generate (NDJSON)',
    server: () => new FakeOllama(),
    provider: (url, http) => new OllamaProvider({ url, model: 'qwen2.5-coder:1.5b', keepAlive: '30m', http }),
    missingModel: (url, http) => new OllamaProvider({ url, model: 'nope:7b', http }),
    checkRequest: (s) => {
      const r = s.requests.at(-1)
      expect(r?.path).toBe('/api/generate')
      expect(r?.body).toMatchObject({
        model: 'qwen2.5-coder:1.5b',
        prompt: prompt.prefixWithContext,
        suffix: prompt.suffix,
        raw: false,
        stream: true,
        keep_alive: '30m',
        options: { num_predict: 64, temperature: 0.1, stop: ['<|endoftext|>'], num_ctx: 4096 },
      })
    },
  },
  {
    name: 'openai /v1/completions (SSE)',
    server: () => new FakeOpenAi(),
    provider: (url, http) => new OpenAiProvider({ url, model: 'qwen2.5-coder-1.5b', http }),
    missingModel: (url, http) => new OpenAiProvider({ url: `${url}/v1`, model: 'nope', http }),
    checkRequest: (s) => {
      expect(s.requests.at(-1)?.body).toMatchObject({
        model: 'qwen2.5-coder-1.5b',
        prompt: prompt.prefixWithContext,
        suffix: prompt.suffix,
        max_tokens: 64,
        stream: true,
      })
    },
  },
  {
    name: 'llama.cpp /infill (SSE)',
    server: () => new FakeOpenAi(),
    provider: (url, http) => new LlamaCppInfillProvider({ url, model: 'local', http }),
    missingModel: () => {
      throw new Error('llama-server has no model names')
    },
    checkRequest: (s) => {
      expect(s.requests.at(-1)?.body).toMatchObject({
        input_prefix: prompt.prefix,
        input_suffix: prompt.suffix,
        input_extra: [{ filename: 'src/math.ts', text: 'export const zero = 0\n' }],
        n_predict: 64,
        cache_prompt: true,
        stream: true,
      })
    },
  },
  {
    name: 'triton generate_stream (KServe v2 SSE)',
    server: () => new FakeTriton(),
    provider: (url, http) => new TritonProvider({ url, model: 'fim_ensemble', http }),
    missingModel: (url, http) => new TritonProvider({ url, model: 'nope', http }),
    checkRequest: (s) => {
      const r = s.requests.at(-1)
      expect(r?.path).toBe('/v2/models/fim_ensemble/generate_stream')
      expect(r?.body).toMatchObject({
        text_input: prompt.parts.map((p) => p.text).join(''),
        stream: true,
        parameters: { max_tokens: 64 },
      })
      // Snippets come first so a server prompt cache can reuse them.
      expect(
        (r?.body as { text_input: string }).text_input.startsWith(
          '<|repo_name|>workspace\n<|file_sep|>src/math.ts',
        ),
      ).toBe(true)
    },
  },
  {
    name: 'triton generate (KServe v2 one-shot, trtllm inputs)',
    server: () => new FakeTriton(),
    provider: (url, http) =>
      new TritonProvider({ url, model: 'fim_ensemble', http, streaming: false, flavor: 'trtllm' }),
    missingModel: (url, http) => new TritonProvider({ url, model: 'nope', http, streaming: false }),
    oneShot: true,
    checkRequest: (s) => {
      const r = s.requests.at(-1)
      expect(r?.path).toBe('/v2/models/fim_ensemble/generate')
      expect(r?.body).toMatchObject({ max_tokens: 64, stop_words: ['<|endoftext|>'], stream: false })
    },
  },
]

describe.each(cases)('$name', (c) => {
  let server: ProtocolServer
  let http: HttpClient
  let provider: CompletionProvider

  beforeAll(async () => {
    server = await c.server().start()
    http = new HttpClient()
    provider = c.provider(server.url, http)
  })
  afterAll(async () => {
    http.dispose()
    await server.close()
  })
  beforeEach(() => server.reset())

  it('streams the completion, sends the real request shape, reports timing', async () => {
    const chunks: string[] = []
    const r = await collect(provider.stream(prompt, opts()), (t) => chunks.push(t))
    expect(r.text).toBe(EXPECTED)
    expect(r.timing.tokens).toBeGreaterThan(0)
    expect(r.timing.ttftMs).not.toBeNull()
    expect(r.timing.totalMs).toBeGreaterThanOrEqual(r.timing.ttftMs ?? 0)
    c.checkRequest?.(server)
    expect(provider.state().phase).toBe('ready')
  })

  it('gives the same result for the body split at every byte boundary', async () => {
    await collect(provider.stream(prompt, opts()))
    const length = server.lastBodyLength
    expect(length).toBeGreaterThan(10)
    for (let at = 1; at < length; at++) {
      server.split = { mode: 'at', at }
      const r = await collect(provider.stream(prompt, opts()))
      if (r.text !== EXPECTED) throw new Error(`split at byte ${at}: got ${JSON.stringify(r.text)}`)
    }
    server.split = { mode: 'bytes' }
    expect((await collect(provider.stream(prompt, opts()))).text).toBe(EXPECTED)
  })

  it('reuses one keep-alive connection for consecutive requests', async () => {
    const before = server.connections
    for (let i = 0; i < 5; i++) await collect(provider.stream(prompt, opts()))
    expect(server.connections - before).toBeLessThanOrEqual(1)
  })

  it('applies the stop strings and the token limit (server side)', async () => {
    const r = await collect(provider.stream(prompt, opts({ stop: ['\n'], maxTokens: 64 })))
    expect(r.text).toBe(EXPECTED.slice(0, EXPECTED.indexOf('\n')))
    const r2 = await collect(provider.stream(prompt, opts({ maxTokens: 2 })))
    expect(r2.text).toBe(DEFAULT_TOKENS.slice(0, 2).join(''))
  })

  it('model missing → not_found / model_missing', async () => {
    let p: CompletionProvider
    try {
      p = c.missingModel(server.url, http)
    } catch {
      return // this protocol has no model names
    }
    const { err } = await failure(collect(p.stream(prompt, opts())))
    expect(err.code).toBe('not_found')
    expect(failureReason(err)).toBe('model_missing')
    expect(err.message).toContain('nope')
    if (p.kind === 'ollama') expect(err.message).toContain('ollama pull nope:7b')
    expect(p.state()).toMatchObject({ phase: 'error', error: { reason: 'model_missing' } })
  })

  it('HTTP 500 → unavailable / server_error with the server message', async () => {
    server.fault = { kind: 'status', status: 500, body: JSON.stringify({ error: 'CUDA out of memory' }) }
    const { err } = await failure(collect(provider.stream(prompt, opts())))
    expect(err.code).toBe('unavailable')
    expect(failureReason(err)).toBe('server_error')
    expect(err.message).toContain('CUDA out of memory')
  })

  it('accepts the connection but never answers → timeout / no_response by the deadline', async () => {
    server.fault = { kind: 'hang' }
    const { err, ms } = await failure(
      collect(provider.stream(prompt, opts({ firstByteMs: 300, timeoutMs: 1000 }))),
    )
    expect(err.code).toBe('timeout')
    expect(failureReason(err)).toBe('no_response')
    expect(ms).toBeGreaterThanOrEqual(280)
    expect(ms).toBeLessThan(1000)
  })

  it('stalls mid-stream → timeout / stalled by the deadline, text so far was delivered', async () => {
    server.fault = { kind: 'stall', afterChunks: 2 }
    const seen: string[] = []
    const { err, ms } = await failure(
      collect(provider.stream(prompt, opts({ stallMs: 250, timeoutMs: 2000 })), (t) => seen.push(t)),
    )
    expect(err.code).toBe('timeout')
    // One-shot /generate has no stream to stall in: its body simply never completes.
    expect(['stalled', 'no_response']).toContain(failureReason(err))
    expect(ms).toBeLessThan(1500)
  })

  it('overall deadline ends a slow stream → timeout / deadline', async () => {
    if (c.oneShot) server.fault = { kind: 'hang' }
    else server.split = { mode: 'natural', delayMs: 100 }
    const { err, ms } = await failure(
      collect(provider.stream(prompt, opts({ timeoutMs: 350, firstByteMs: 5000 }))),
    )
    expect(err.code).toBe('timeout')
    expect(failureReason(err)).toBe('deadline')
    expect(ms).toBeLessThan(700)
  })

  it('connection closed mid-stream → unavailable', async () => {
    server.fault = { kind: 'reset', afterChunks: 1 }
    const { err } = await failure(collect(provider.stream(prompt, opts())))
    expect(err.code).toBe('unavailable')
  })

  it('abort mid-stream → cancelled at once, and the server sees the connection go', async () => {
    server.split = { mode: 'natural', delayMs: 50 }
    const ac = new AbortController()
    const gone = server.nextClientAbort()
    if (c.oneShot) {
      server.fault = { kind: 'hang' }
      setTimeout(() => ac.abort(), 30)
    }
    const p = collect(provider.stream(prompt, opts({ signal: ac.signal })), () => ac.abort())
    const { err, ms } = await failure(p)
    expect(err.code).toBe('cancelled')
    expect(ms).toBeLessThan(200)
    await gone
    expect(provider.state().phase).toBe('ready')
  })
})

describe('unreachable server', () => {
  it('connection refused → unavailable / refused', async () => {
    const s = await new FakeOllama().start()
    const url = s.url
    await s.close()
    const http = new HttpClient()
    const p = new OllamaProvider({ url, model: 'qwen2.5-coder:1.5b', http })
    const { err } = await failure(collect(p.stream(prompt, opts())))
    expect(err.code).toBe('unavailable')
    expect(failureReason(err)).toBe('refused')
    http.dispose()
  })
})

describe('triton output normalisation', () => {
  it.each([
    ['cumulative stream', { cumulative: true, echoPrompt: false }],
    ['echoed prompt', { cumulative: false, echoPrompt: true }],
    ['cumulative with echoed prompt', { cumulative: true, echoPrompt: true }],
  ])('%s → deltas', async (_name, mode) => {
    const s = new FakeTriton()
    Object.assign(s, mode)
    await s.start()
    const http = new HttpClient()
    const p = new TritonProvider({ url: s.url, model: 'fim_ensemble', http })
    expect((await collect(p.stream(prompt, opts()))).text).toBe(EXPECTED)
    const one = new TritonProvider({ url: s.url, model: 'fim_ensemble', http, streaming: false })
    expect((await collect(one.stream(prompt, opts()))).text).toBe(EXPECTED)
    http.dispose()
    await s.close()
  })

  it('404 for an unknown model (newer Triton) is model_missing too', async () => {
    const s = new FakeTriton()
    s.notFoundStatus = 404
    await s.start()
    const http = new HttpClient()
    const p = new TritonProvider({ url: s.url, model: 'gone', http })
    const { err } = await failure(collect(p.stream(prompt, opts())))
    expect(failureReason(err)).toBe('model_missing')
    http.dispose()
    await s.close()
  })
})

describe('bearer token', () => {
  it('is sent, and a wrong one is unauthorized', async () => {
    const s = new FakeOpenAi()
    s.token = 'sekret'
    await s.start()
    const http = new HttpClient()
    const ok = new OpenAiProvider({ url: s.url, model: 'qwen2.5-coder-1.5b', token: 'sekret', http })
    expect((await collect(ok.stream(prompt, opts()))).text).toBe(EXPECTED)
    const bad = new OpenAiProvider({ url: s.url, model: 'qwen2.5-coder-1.5b', token: 'wrong', http })
    const { err } = await failure(collect(bad.stream(prompt, opts())))
    expect(err.code).toBe('unauthorized')
    http.dispose()
    await s.close()
  })
})

describe('openai template mode (servers that reject suffix)', () => {
  it('sends the rendered FIM template as the prompt and no suffix', async () => {
    const s = await new FakeOpenAi().start()
    const http = new HttpClient()
    const p = new OpenAiProvider({ url: s.url, model: 'qwen2.5-coder-1.5b', fimMode: 'template', http })
    await collect(p.stream(prompt, opts()))
    const body = s.requests.at(-1)?.body as Record<string, unknown>
    expect(body.prompt).toBe(prompt.parts.map((x) => x.text).join(''))
    expect(body.suffix).toBeUndefined()
    http.dispose()
    await s.close()
  })
})
