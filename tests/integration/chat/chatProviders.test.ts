import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import type { ChatMessage, ChatOptions, ChatProvider } from '../../../src/main/core/inference/chat/chatTypes'
import { EmbeddedChat } from '../../../src/main/core/inference/chat/embeddedChat'
import { OllamaChat } from '../../../src/main/core/inference/chat/ollamaChat'
import { OpenAiChat } from '../../../src/main/core/inference/chat/openAiChat'
import { TritonChat } from '../../../src/main/core/inference/chat/tritonChat'
import { collect } from '../../../src/main/core/inference/fimTypes'
import { HttpClient, failureReason } from '../../../src/main/core/net/httpClient'
import { FakeOllama } from '../../helpers/fakeOllama'
import { FakeOpenAi } from '../../helpers/fakeOpenAi'
import { FakeTriton } from '../../helpers/fakeTriton'
import { DEFAULT_TOKENS, type ProtocolServer } from '../../helpers/protocolServer'
import { testModel } from '../../helpers/testModels'

// Each chat protocol over real HTTP against a local server that speaks it, as the FIM providers
// are tested: the same stream whatever the byte boundaries, and each failure its own class.
const EXPECTED = DEFAULT_TOKENS.join('')
const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You are Hearth.' },
  { role: 'user', content: 'What does add do?' },
  { role: 'assistant', content: 'It adds.' },
  { role: 'user', content: 'And sub? 😀' },
]

function opts(extra: Partial<ChatOptions> = {}): ChatOptions {
  return {
    maxTokens: 64,
    temperature: 0.1,
    stop: [],
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
  provider: (url: string, http: HttpClient) => ChatProvider
  missingModel: (url: string, http: HttpClient) => ChatProvider
  checkRequest: (s: ProtocolServer) => void
}

const cases: Case[] = [
  {
    name: 'ollama /api/chat (NDJSON)',
    server: () => new FakeOllama(),
    provider: (url, http) => new OllamaChat({ url, model: 'qwen2.5-coder:1.5b', keepAlive: '30m', http }),
    missingModel: (url, http) => new OllamaChat({ url, model: 'nope:7b', http }),
    checkRequest: (s) => {
      const r = s.requests.at(-1)
      expect(r?.path).toBe('/api/chat')
      expect(r?.body).toMatchObject({
        model: 'qwen2.5-coder:1.5b',
        messages: MESSAGES,
        stream: true,
        keep_alive: '30m',
        options: { num_predict: 64, temperature: 0.1 },
      })
    },
  },
  {
    name: 'openai /v1/chat/completions (SSE)',
    server: () => new FakeOpenAi(),
    provider: (url, http) => new OpenAiChat({ url, model: 'qwen2.5-coder-1.5b', http }),
    missingModel: (url, http) => new OpenAiChat({ url: `${url}/v1`, model: 'nope', http }),
    checkRequest: (s) => {
      const r = s.requests.at(-1)
      expect(r?.path).toBe('/v1/chat/completions')
      expect(r?.body).toMatchObject({
        model: 'qwen2.5-coder-1.5b',
        messages: MESSAGES,
        max_tokens: 64,
        stream: true,
      })
    },
  },
  {
    name: 'triton generate_stream (KServe v2, ChatML applied by Hearth)',
    server: () => {
      const t = new FakeTriton()
      t.models.add('qwen2.5-coder-1.5b-instruct')
      t.notFoundStatus = 404
      return t
    },
    provider: (url, http) => new TritonChat({ url, model: 'qwen2.5-coder-1.5b-instruct', http }),
    missingModel: (url, http) => new TritonChat({ url, model: 'nope', http }),
    checkRequest: (s) => {
      const r = s.requests.at(-1)
      expect(r?.path).toBe('/v2/models/qwen2.5-coder-1.5b-instruct/generate_stream')
      expect(r?.body).toMatchObject({
        text_input:
          '<|im_start|>system\nYou are Hearth.<|im_end|>\n<|im_start|>user\nWhat does add do?<|im_end|>\n' +
          '<|im_start|>assistant\nIt adds.<|im_end|>\n<|im_start|>user\nAnd sub? 😀<|im_end|>\n' +
          '<|im_start|>assistant\n',
        stream: true,
        parameters: { max_tokens: 64, stop: ['<|im_end|>', '<|endoftext|>'] },
      })
    },
  },
]

describe.each(cases)('$name', (c) => {
  let server: ProtocolServer
  let http: HttpClient
  let provider: ChatProvider

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

  it('streams the answer, sends the conversation as it is, reports timing', async () => {
    const r = await collect(provider.stream(MESSAGES, opts()))
    expect(r.text).toBe(EXPECTED)
    expect(r.stopReason).toBe('stop')
    expect(r.timing.tokens).toBe(DEFAULT_TOKENS.length)
    expect(r.timing.ttftMs).not.toBeNull()
    c.checkRequest(server)
    expect(provider.state().phase).toBe('ready')
  })

  it('gives the same answer for the body split at every byte boundary', async () => {
    await collect(provider.stream(MESSAGES, opts()))
    const length = server.lastBodyLength
    expect(length).toBeGreaterThan(10)
    for (let at = 1; at < length; at++) {
      server.split = { mode: 'at', at }
      const r = await collect(provider.stream(MESSAGES, opts()))
      if (r.text !== EXPECTED) throw new Error(`split at byte ${at}: got ${JSON.stringify(r.text)}`)
    }
    server.split = { mode: 'bytes' }
    expect((await collect(provider.stream(MESSAGES, opts()))).text).toBe(EXPECTED)
  })

  it('a token limit cuts the answer and says so', async () => {
    const r = await collect(provider.stream(MESSAGES, opts({ maxTokens: 2 })))
    expect(r.text).toBe(DEFAULT_TOKENS.slice(0, 2).join(''))
    expect(r.stopReason).toBe('length')
  })

  it('model missing → not_found / model_missing, with the fix for Ollama', async () => {
    const p = c.missingModel(server.url, http)
    const { err } = await failure(collect(p.stream(MESSAGES, opts())))
    expect(err.code).toBe('not_found')
    expect(failureReason(err)).toBe('model_missing')
    if (p.kind === 'ollama') expect(err.message).toContain('ollama pull nope:7b')
  })

  it('HTTP 500 → unavailable / server_error with the server message', async () => {
    server.fault = { kind: 'status', status: 500, body: JSON.stringify({ error: 'CUDA out of memory' }) }
    const { err } = await failure(collect(provider.stream(MESSAGES, opts())))
    expect(err.code).toBe('unavailable')
    expect(failureReason(err)).toBe('server_error')
    expect(err.message).toContain('CUDA out of memory')
  })

  it('stalls mid-stream → timeout / stalled, the text so far delivered', async () => {
    server.fault = { kind: 'stall', afterChunks: 3 }
    const seen: string[] = []
    const { err, ms } = await failure(
      collect(provider.stream(MESSAGES, opts({ stallMs: 250, timeoutMs: 3000 })), (t) => seen.push(t)),
    )
    expect(err.code).toBe('timeout')
    expect(failureReason(err)).toBe('stalled')
    expect(seen.join('')).not.toBe('')
    expect(ms).toBeLessThan(2000)
  })

  it('Stop mid-answer → cancelled at once, and the server sees the connection go', async () => {
    server.split = { mode: 'natural', delayMs: 50 }
    const ac = new AbortController()
    const gone = server.nextClientAbort()
    const { err, ms } = await failure(
      collect(provider.stream(MESSAGES, opts({ signal: ac.signal })), () => ac.abort()),
    )
    expect(err.code).toBe('cancelled')
    expect(ms).toBeLessThan(300)
    await gone
    expect(provider.state().phase).toBe('ready')
  })
})

describe('triton chat specifics', () => {
  let server: FakeTriton
  let http: HttpClient
  beforeAll(async () => {
    server = await new FakeTriton().start()
    server.models.add('Meta-Llama-3.1-8B-Instruct')
    http = new HttpClient()
  })
  afterAll(async () => {
    http.dispose()
    await server.close()
  })
  beforeEach(() => server.reset())

  it('a Llama 3 model gets its own template, and its end-of-turn marker as a stop string', async () => {
    server.tokens = ['It ', 'subtracts', '<|eot_id|>', 'junk']
    const p = new TritonChat({ url: server.url, model: 'Meta-Llama-3.1-8B-Instruct', http })
    for (const split of [{ mode: 'natural' as const }, { mode: 'bytes' as const }]) {
      server.split = split
      const r = await collect(p.stream(MESSAGES, opts()))
      expect(r.text).toBe('It subtracts')
      expect(r.stopReason).toBe('stop')
    }
    const body = server.requests.at(-1)?.body as { text_input: string }
    expect(
      body.text_input.startsWith('<|start_header_id|>system<|end_header_id|>\n\nYou are Hearth.<|eot_id|>'),
    ).toBe(true)
    expect(body.text_input.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n')).toBe(true)
    server.tokens = DEFAULT_TOKENS
  })

  it('a cumulative, prompt-echoing backend still streams deltas; the context window is the endpoint setting', async () => {
    server.models.add('gemma-2-9b-it')
    server.cumulative = true
    server.echoPrompt = true
    const p = new TritonChat({ url: server.url, model: 'gemma-2-9b-it', contextLength: 8192, http })
    const r = await collect(p.stream(MESSAGES, opts()))
    expect(r.text).toBe(EXPECTED)
    const body = server.requests.at(-1)?.body as { text_input: string }
    expect(body.text_input).toContain(
      '<start_of_turn>user\nYou are Hearth.\n\nWhat does add do?<end_of_turn>',
    )
    expect(await p.contextTokens()).toBe(8192)
    server.cumulative = false
    server.echoPrompt = false
  })
})

describe('context windows, as each server reports them', () => {
  let http: HttpClient
  beforeAll(() => {
    http = new HttpClient()
  })
  afterAll(() => http.dispose())

  it("ollama: /api/show's context length (capped), sent back as num_ctx; a Modelfile's num_ctx wins", async () => {
    const server = await new FakeOllama().start()
    try {
      const p = new OllamaChat({ url: server.url, model: 'qwen2.5-coder:1.5b', http })
      expect(await p.contextTokens(new AbortController().signal)).toBe(8192)
      await collect(p.stream(MESSAGES, opts()))
      expect(server.requests.at(-1)?.body).toMatchObject({ options: { num_ctx: 8192 } })
      server.show = { contextLength: 32768, numCtx: 4096 }
      const q = new OllamaChat({ url: server.url, model: 'qwen2.5-coder:1.5b', http })
      expect(await q.contextTokens(new AbortController().signal)).toBe(4096)
    } finally {
      await server.close()
    }
  })

  it("openai-compatible: the model list's max_model_len, else the endpoint setting, else unknown", async () => {
    const server = await new FakeOpenAi().start()
    try {
      const signal = new AbortController().signal
      expect(
        await new OpenAiChat({ url: server.url, model: 'qwen2.5-coder-1.5b', http }).contextTokens(signal),
      ).toBe(undefined)
      expect(
        await new OpenAiChat({
          url: server.url,
          model: 'qwen2.5-coder-1.5b',
          contextLength: 16384,
          http,
        }).contextTokens(signal),
      ).toBe(16384)
      server.maxModelLen = 32768
      expect(
        await new OpenAiChat({ url: server.url, model: 'qwen2.5-coder-1.5b', http }).contextTokens(signal),
      ).toBe(32768)
    } finally {
      await server.close()
    }
  })
})

describe("embedded engine chat (the model's own template)", { timeout: 120_000 }, () => {
  const model = testModel('stories260K.gguf')

  it('answers a conversation, stops at the token limit, and Stop cancels', async () => {
    const p = new EmbeddedChat({ modelPath: model, threads: 1 })
    try {
      const r = await collect(p.stream(MESSAGES, opts({ maxTokens: 12, timeoutMs: 60_000 })))
      expect(r.text.length).toBeGreaterThan(0)
      expect(r.stopReason).toBe('length')
      expect(r.timing.tokens).toBeGreaterThan(0)
      // The window the engine runs the model with (the GGUF's, capped).
      const ctx = await p.contextTokens(new AbortController().signal)
      expect(ctx).toBeGreaterThan(0)
      expect(ctx).toBeLessThanOrEqual(8192)
      const ac = new AbortController()
      const { err } = await failure(
        collect(p.stream(MESSAGES, opts({ maxTokens: 200, timeoutMs: 60_000, signal: ac.signal })), () =>
          ac.abort(),
        ),
      )
      expect(err.code).toBe('cancelled')
      // The engine is free again after a cancel.
      const again = await collect(p.stream(MESSAGES, opts({ maxTokens: 4, timeoutMs: 60_000 })))
      expect(again.text.length).toBeGreaterThan(0)
    } finally {
      await p.dispose()
    }
  })

  it('says the model file is missing, with the path', async () => {
    const p = new EmbeddedChat({ modelPath: '/nonexistent/chat.gguf' })
    const { err } = await failure(collect(p.stream(MESSAGES, opts())))
    expect(failureReason(err)).toBe('model_missing')
    expect(err.message).toContain('/nonexistent/chat.gguf')
  })
})
