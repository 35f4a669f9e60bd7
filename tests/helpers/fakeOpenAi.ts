import { DEFAULT_TOKENS, fakeEmbedding, generate, ProtocolServer, type Reply } from './protocolServer'

interface CompletionsBody {
  model?: string
  prompt?: string
  suffix?: string
  max_tokens?: number
  n_predict?: number
  temperature?: number
  stop?: string[]
  stream?: boolean
  input?: string | string[]
  input_prefix?: string
  input_suffix?: string
  input_extra?: { filename: string; text: string }[]
}

interface ChatBody {
  model?: string
  messages?: { role: string; content: string }[]
  max_tokens?: number
  stop?: string[]
  stream?: boolean
  stream_options?: { include_usage?: boolean }
}

const sseEvent = (v: unknown): string => `data: ${JSON.stringify(v)}\n\n`

/**
 * Speaks the OpenAI-compatible API as vLLM / llama.cpp server do: /v1/completions and /v1/chat/completions (SSE
 * `data: {choices:[{text, finish_reason}]}` events ending with `data: [DONE]`, or one JSON
 * object), /v1/embeddings, /v1/models, and llama.cpp's /infill (SSE `{content, stop}` events, the
 * last with stop_type and timings). Unknown model → 404 with OpenAI's error object.
 */
export class FakeOpenAi extends ProtocolServer {
  models = new Set(['qwen2.5-coder-1.5b', 'embed-small'])
  tokens: readonly string[] = DEFAULT_TOKENS
  /** Require this bearer token when set. */
  token: string | undefined
  /** Listed as each model's `max_model_len` in /v1/models when set, as vLLM does. */
  maxModelLen: number | undefined
  /** Tokens of a chat answer, from the messages; falls back to `tokens`. */
  chatTokensFor:
    ((messages: { role: string; content: string }[]) => readonly string[] | undefined) | undefined

  protected route(method: string, path: string, body: unknown): Reply {
    const json = (status: number, v: unknown): Reply => ({
      status,
      headers: { 'content-type': 'application/json' },
      chunks: [JSON.stringify(v)],
    })
    const auth = this.requests.at(-1)?.headers.authorization
    if (this.token && auth !== `Bearer ${this.token}`) {
      return json(401, {
        error: { message: 'Invalid API key', type: 'authentication_error', code: 'invalid_api_key' },
      })
    }
    if (method === 'GET' && path === '/v1/models') {
      return json(200, {
        object: 'list',
        data: [...this.models].map((id) => ({
          id,
          object: 'model',
          owned_by: 'fake',
          ...(this.maxModelLen !== undefined ? { max_model_len: this.maxModelLen } : {}),
        })),
      })
    }
    const b = (body ?? {}) as CompletionsBody
    if (method === 'POST' && path === '/infill') {
      const { tokens, reason } = generate(this.tokens, b.n_predict, b.stop)
      return {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        chunks: [
          ...tokens.map((t, i) => sseEvent({ content: t, stop: false, id_slot: 0, index: 0, tokens: [i] })),
          sseEvent({
            content: '',
            stop: true,
            stop_type: reason === 'length' ? 'limit' : 'eos',
            tokens_predicted: tokens.length,
            tokens_evaluated: 42,
            timings: { prompt_n: 42, predicted_n: tokens.length, predicted_ms: 1.5 },
          }),
        ],
      }
    }
    const model = b.model ?? ''
    if (!this.models.has(model)) {
      return json(404, {
        error: {
          message: `The model \`${model}\` does not exist.`,
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      })
    }
    if (method === 'POST' && path === '/v1/embeddings') {
      const input = Array.isArray(b.input) ? b.input : [b.input ?? '']
      // Shuffled order with explicit indexes, as the API allows.
      const data = input
        .map((t, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(t) }))
        .reverse()
      return json(200, {
        object: 'list',
        data,
        model,
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      })
    }
    if (method === 'POST' && path === '/v1/chat/completions') return this.chat(model, body as ChatBody)
    if (method !== 'POST' || path !== '/v1/completions') return json(404, { error: { message: 'not found' } })
    const { tokens, reason } = generate(this.tokens, b.max_tokens, b.stop)
    const base = { id: 'cmpl-1', object: 'text_completion', created: 0, model }
    if (!b.stream) {
      return json(200, {
        ...base,
        choices: [{ text: tokens.join(''), index: 0, logprobs: null, finish_reason: reason }],
        usage: { prompt_tokens: 10, completion_tokens: tokens.length, total_tokens: 10 + tokens.length },
      })
    }
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      chunks: [
        ...tokens.map((t) =>
          sseEvent({ ...base, choices: [{ text: t, index: 0, logprobs: null, finish_reason: null }] }),
        ),
        sseEvent({ ...base, choices: [{ text: '', index: 0, logprobs: null, finish_reason: reason }] }),
        'data: [DONE]\n\n',
      ],
    }
  }

  /** /v1/chat/completions: SSE `choices[0].delta.content` events, a usage event, then `[DONE]`. */
  private chat(model: string, b: ChatBody): Reply {
    const messages = b.messages ?? []
    const script = this.chatTokensFor?.(messages) ?? this.tokens
    const { tokens, reason } = generate(script, b.max_tokens, b.stop)
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model }
    const usage = { prompt_tokens: 10, completion_tokens: tokens.length, total_tokens: 10 + tokens.length }
    if (!b.stream)
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        chunks: [
          JSON.stringify({
            ...base,
            object: 'chat.completion',
            choices: [
              { index: 0, message: { role: 'assistant', content: tokens.join('') }, finish_reason: reason },
            ],
            usage,
          }),
        ],
      }
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      chunks: [
        sseEvent({
          ...base,
          choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
        }),
        ...tokens.map((t) =>
          sseEvent({ ...base, choices: [{ index: 0, delta: { content: t }, finish_reason: null }] }),
        ),
        sseEvent({ ...base, choices: [{ index: 0, delta: {}, finish_reason: reason }] }),
        ...(b.stream_options?.include_usage ? [sseEvent({ ...base, choices: [], usage })] : []),
        'data: [DONE]\n\n',
      ],
    }
  }
}
