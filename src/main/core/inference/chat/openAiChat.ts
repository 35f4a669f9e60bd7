import type { HttpClient } from '../../net/httpClient'
import { sseJson } from '../../net/streamParsers'
import { baseUrl, malformed, streamError } from '../../net/upstreamErrors'
import type { StopReason } from '../fimTypes'
import { HttpProviderBase } from '../httpProviderBase'
import { TimingMeter } from '../timingMeter'
import type { ChatEvent, ChatMessage, ChatOptions, ChatProvider } from './chatTypes'
import { ContextProbe, contextFromModelList } from './contextProbe'

export interface OpenAiChatOptions {
  /** Server root or its /v1 (vLLM, llama.cpp server, OpenAI-compatible gateways). */
  url: string
  model: string
  token?: string
  /** The model's context window (tokens) when the server's model list does not give it. */
  contextLength?: number
  http: HttpClient
}

interface ChatChunk {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[]
  usage?: { completion_tokens?: number; prompt_tokens?: number } | null
  error?: unknown
}

/** OpenAI-compatible `/v1/chat/completions`, streamed as server-sent events. */
export class OpenAiChat extends HttpProviderBase implements ChatProvider {
  readonly kind = 'openai'
  readonly id: string
  private readonly chatUrl: string
  private readonly context: ContextProbe

  constructor(private readonly opts: OpenAiChatOptions) {
    const root = baseUrl(opts.url)
    super(opts.http, `openai-compatible server at ${root}`, opts.model, opts.token)
    const v1 = root.endsWith('/v1') ? root : `${root}/v1`
    this.chatUrl = `${v1}/chat/completions`
    this.id = `openai:${opts.model}@${root}`
    this.context = new ContextProbe(
      opts.http,
      opts.token,
      this.label,
      { url: `${v1}/models`, method: 'GET' },
      contextFromModelList(opts.model),
    )
  }

  /** The model list's max_model_len (vLLM) or n_ctx_train (llama.cpp), else the endpoint's setting. */
  async contextTokens(signal: AbortSignal): Promise<number | undefined> {
    return (await this.context.tokens(signal)) ?? this.opts.contextLength
  }

  stream(messages: readonly ChatMessage[], o: ChatOptions): AsyncGenerator<ChatEvent> {
    return this.guard(o, () => this.run(messages, o))
  }

  private async *run(messages: readonly ChatMessage[], o: ChatOptions): AsyncGenerator<ChatEvent> {
    const meter = new TimingMeter()
    const body = {
      model: this.model,
      messages,
      max_tokens: o.maxTokens,
      temperature: o.temperature,
      ...(o.stop.length > 0 ? { stop: [...o.stop] } : {}),
      stream: true,
      // Token counts in the last event, where the server supports it (vLLM, llama.cpp, OpenAI).
      stream_options: { include_usage: true },
    }
    const res = await this.post(this.chatUrl, body, o, 'text/event-stream')
    let stopReason: StopReason = 'unknown'
    let tokens: number | undefined
    let promptTokens: number | undefined
    for await (const raw of sseJson(res.body, this.label)) {
      const chunk = raw as ChatChunk
      if (chunk.error !== undefined) throw streamError(this.label, JSON.stringify(chunk.error).slice(0, 300))
      if (!Array.isArray(chunk.choices) && !chunk.usage) throw malformed(this.label, 'event without choices')
      const choice = chunk.choices?.[0]
      const text = choice?.delta?.content ?? ''
      if (text) {
        meter.text(text)
        yield { type: 'text', text }
      }
      if (choice?.finish_reason) stopReason = choice.finish_reason === 'length' ? 'length' : 'stop'
      if (chunk.usage?.completion_tokens !== undefined) tokens = chunk.usage.completion_tokens
      if (chunk.usage?.prompt_tokens !== undefined) promptTokens = chunk.usage.prompt_tokens
    }
    yield { type: 'done', timing: meter.finish(tokens, promptTokens), stopReason }
  }
}
