import { DEFAULT_TOKENS, fakeEmbedding, generate, ProtocolServer, type Reply } from './protocolServer'

interface GenerateBody {
  model?: string
  prompt?: string
  suffix?: string
  stream?: boolean
  raw?: boolean
  keep_alive?: string | number
  options?: { num_predict?: number; temperature?: number; stop?: string[]; num_ctx?: number }
}

interface ChatBody {
  model?: string
  messages?: { role: string; content: string }[]
  stream?: boolean
  keep_alive?: string | number
  options?: { num_predict?: number; temperature?: number; stop?: string[]; num_ctx?: number }
}

/**
 * Speaks Ollama's HTTP API as the real server does: /api/generate and /api/chat (NDJSON stream of
 * {model, created_at, response, done} lines ending with done_reason and eval counts, or one JSON
 * object when stream is false), /api/embed, /api/tags, /api/version; 404 with
 * `{"error":"model \"x\" not found, try pulling it first"}` for a model it does not have; 401 on
 * every route without the bearer `token` when one is set.
 */
export class FakeOllama extends ProtocolServer {
  models = new Set(['qwen2.5-coder:1.5b', 'nomic-embed-text'])
  tokens: readonly string[] = DEFAULT_TOKENS
  /** Per-request tokens (e.g. chosen from the prompt's last word); falls back to `tokens`. */
  tokensFor: ((prompt: string, suffix: string) => readonly string[] | undefined) | undefined
  embedDim = 8
  /** Tokens of a /api/chat answer, from the messages; falls back to `tokens`. */
  chatTokensFor:
    ((messages: { role: string; content: string }[]) => readonly string[] | undefined) | undefined
  /**
   * Require this bearer token on every route when set, as Ollama behind an authenticating
   * reverse proxy does: 401 (with `WWW-Authenticate: Bearer`) to anything without it.
   */
  token: string | undefined
  /** What /api/show reports: the architecture's context length, and a num_ctx the Modelfile sets. */
  show: { contextLength?: number; numCtx?: number } = { contextLength: 32768 }

  protected route(method: string, path: string, body: unknown): Reply {
    const json = (status: number, v: unknown): Reply => ({
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      chunks: [JSON.stringify(v)],
    })
    const auth = this.requests.at(-1)?.headers.authorization
    if (this.token && auth !== `Bearer ${this.token}`) {
      return {
        status: 401,
        headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' },
        chunks: [JSON.stringify({ error: 'unauthorized' })],
      }
    }
    if (method === 'GET' && path === '/api/version') return json(200, { version: '0.12.0' })
    if (method === 'GET' && path === '/api/tags') {
      return json(200, {
        models: [...this.models].map((name) => ({ name, model: name, size: 1, digest: 'x' })),
      })
    }
    const b = (body ?? {}) as GenerateBody & { input?: string | string[] }
    const model = b.model ?? ''
    if (!this.models.has(model))
      return json(404, { error: `model "${model}" not found, try pulling it first` })
    if (method === 'POST' && path === '/api/embed') {
      const input = Array.isArray(b.input) ? b.input : [b.input ?? '']
      return json(200, {
        model,
        embeddings: input.map((t) => fakeEmbedding(t, this.embedDim)),
        total_duration: 1000,
        load_duration: 10,
        prompt_eval_count: input.length,
      })
    }
    if (method === 'POST' && path === '/api/chat') return this.chat(model, body as ChatBody)
    if (method === 'POST' && path === '/api/show')
      return json(200, {
        parameters:
          this.show.numCtx !== undefined ? `num_ctx                        ${this.show.numCtx}` : '',
        template: '{{ .Prompt }}',
        details: { family: 'qwen2', parameter_size: '1.5B' },
        model_info: {
          'general.architecture': 'qwen2',
          ...(this.show.contextLength !== undefined
            ? { 'qwen2.context_length': this.show.contextLength }
            : {}),
        },
      })
    if (method !== 'POST' || path !== '/api/generate') return json(404, { error: 'not found' })
    const script = this.tokensFor?.(b.prompt ?? '', b.suffix ?? '') ?? this.tokens
    const { tokens, reason } = generate(script, b.options?.num_predict, b.options?.stop)
    const created = new Date(0).toISOString()
    const final = {
      model,
      created_at: created,
      response: '',
      done: true,
      done_reason: reason,
      context: [1, 2, 3],
      total_duration: 5_000_000,
      load_duration: 1_000_000,
      prompt_eval_count: (b.prompt ?? '').length,
      prompt_eval_duration: 1_000_000,
      eval_count: tokens.length,
      eval_duration: 2_000_000,
    }
    if (b.stream === false) return json(200, { ...final, response: tokens.join('') })
    return {
      status: 200,
      headers: { 'content-type': 'application/x-ndjson' },
      chunks: [
        ...tokens.map((t) => JSON.stringify({ model, created_at: created, response: t, done: false }) + '\n'),
        JSON.stringify(final) + '\n',
      ],
    }
  }

  /** /api/chat: NDJSON `{message: {role, content}, done}` lines, the last with done_reason and counts. */
  private chat(model: string, b: ChatBody): Reply {
    const messages = b.messages ?? []
    const script = this.chatTokensFor?.(messages) ?? this.tokens
    const { tokens, reason } = generate(script, b.options?.num_predict, b.options?.stop)
    const created = new Date(0).toISOString()
    const final = {
      model,
      created_at: created,
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: reason,
      total_duration: 5_000_000,
      prompt_eval_count: messages.reduce((n, m) => n + m.content.length, 0),
      eval_count: tokens.length,
    }
    if (b.stream === false)
      return {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        chunks: [JSON.stringify({ ...final, message: { role: 'assistant', content: tokens.join('') } })],
      }
    return {
      status: 200,
      headers: { 'content-type': 'application/x-ndjson' },
      chunks: [
        ...tokens.map(
          (t) =>
            JSON.stringify({
              model,
              created_at: created,
              message: { role: 'assistant', content: t },
              done: false,
            }) + '\n',
        ),
        JSON.stringify(final) + '\n',
      ],
    }
  }
}
