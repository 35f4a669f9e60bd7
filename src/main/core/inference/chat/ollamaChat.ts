import type { ChatResponse } from 'ollama'
import type { HttpClient } from '../../net/httpClient'
import { baseUrl, describeError } from '../../net/upstreamErrors'
import type { ProviderState, StopReason } from '../fimTypes'
import { DEFAULT_OLLAMA_URL } from '../ollamaProvider'
import { ollamaClient, ollamaError } from '../ollamaClient'
import { TimingMeter } from '../timingMeter'
import type { ChatEvent, ChatMessage, ChatOptions, ChatProvider } from './chatTypes'
import { ContextProbe, contextFromOllamaShow } from './contextProbe'

export interface OllamaChatOptions {
  url?: string
  model: string
  /** How long Ollama keeps the model loaded after the answer (its `keep_alive`). */
  keepAlive?: string | number
  token?: string
  http: HttpClient
}

/**
 * Ollama `/api/chat`, streamed (NDJSON through the `ollama` package, whose fetch is Hearth's
 * HttpClient: connection policy, deadlines, abort). The model's own template applies.
 */
export class OllamaChat implements ChatProvider {
  readonly kind = 'ollama'
  readonly id: string
  readonly model: string
  private readonly endpoint: string
  private readonly label: string
  private current: ProviderState = { phase: 'idle' }
  private readonly context: ContextProbe
  /** The window learned from /api/show, sent as num_ctx so the server runs with it. */
  private numCtx: number | undefined

  constructor(private readonly opts: OllamaChatOptions) {
    this.endpoint = baseUrl(opts.url ?? DEFAULT_OLLAMA_URL)
    this.model = opts.model
    this.id = `ollama:${opts.model}@${this.endpoint}`
    this.label = `ollama at ${this.endpoint}`
    this.context = new ContextProbe(
      opts.http,
      opts.token,
      this.label,
      { url: `${this.endpoint}/api/show`, method: 'POST', body: { model: opts.model } },
      contextFromOllamaShow,
    )
  }

  async contextTokens(signal: AbortSignal): Promise<number | undefined> {
    this.numCtx = await this.context.tokens(signal)
    return this.numCtx
  }

  state(): ProviderState {
    return this.current
  }

  async *stream(messages: readonly ChatMessage[], o: ChatOptions): AsyncGenerator<ChatEvent> {
    const meter = new TimingMeter()
    const client = ollamaClient(this.endpoint, this.opts.http, this.opts.token, o, this.label)
    this.current = { phase: 'generating' }
    let last: ChatResponse | undefined
    try {
      const parts = await client.chat({
        model: this.model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        stream: true,
        ...(this.opts.keepAlive !== undefined ? { keep_alive: this.opts.keepAlive } : {}),
        options: {
          num_predict: o.maxTokens,
          temperature: o.temperature,
          ...(o.stop.length > 0 ? { stop: [...o.stop] } : {}),
          ...((o.numCtx ?? this.numCtx) !== undefined ? { num_ctx: o.numCtx ?? this.numCtx } : {}),
        },
      })
      for await (const part of parts) {
        const text = part.message?.content ?? ''
        if (text) {
          meter.text(text)
          yield { type: 'text', text }
        }
        if (part.done) {
          last = part
          break
        }
      }
    } catch (err) {
      const e = ollamaError(err, o.signal, this.label, this.model)
      this.current = e.code === 'cancelled' ? { phase: 'ready' } : { phase: 'error', error: describeError(e) }
      throw e
    } finally {
      if (this.current.phase === 'generating') this.current = { phase: 'ready' }
    }
    this.current = { phase: 'ready' }
    const stopReason: StopReason =
      last?.done_reason === 'length' ? 'length' : last?.done_reason === 'stop' ? 'stop' : 'unknown'
    yield { type: 'done', timing: meter.finish(last?.eval_count, last?.prompt_eval_count), stopReason }
  }

  async dispose(): Promise<void> {
    // Sockets belong to the shared HttpClient.
  }
}
