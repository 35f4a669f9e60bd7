import type { HttpClient } from '../net/httpClient'
import { sseJson } from '../net/streamParsers'
import type { CompletionProvider, FimEvent, FimPrompt, GenerateOptions, StopReason } from './fimTypes'
import { HttpProviderBase } from './httpProviderBase'
import { baseUrl, malformed, streamError } from '../net/upstreamErrors'
import { TimingMeter } from './timingMeter'

export interface OpenAiProviderOptions {
  /** Server root or its /v1, e.g. http://dgx:8000 or http://dgx:8000/v1. */
  url: string
  model: string
  token?: string
  /**
   * 'suffix' (default): `prompt` = prefix, `suffix` = suffix, the server applies FIM (OpenAI's
   * own API, llama.cpp server). 'template': Hearth renders the family's FIM template into
   * `prompt` — for servers that reject `suffix` (vLLM).
   */
  fimMode?: 'suffix' | 'template'
  http: HttpClient
}

interface CompletionChunk {
  choices?: { text?: string; finish_reason?: string | null }[]
  usage?: { completion_tokens?: number; prompt_tokens?: number }
  error?: unknown
}

/** OpenAI-compatible `/v1/completions`, streamed as server-sent events. */
export class OpenAiProvider extends HttpProviderBase implements CompletionProvider {
  readonly kind = 'openai'
  readonly id: string
  readonly endpoint: string
  private readonly completionsUrl: string

  constructor(private readonly opts: OpenAiProviderOptions) {
    const root = baseUrl(opts.url)
    super(opts.http, `openai-compatible server at ${root}`, opts.model, opts.token)
    this.endpoint = root
    this.completionsUrl = root.endsWith('/v1') ? `${root}/completions` : `${root}/v1/completions`
    this.id = `openai:${opts.model}@${root}`
  }

  stream(prompt: FimPrompt, o: GenerateOptions): AsyncGenerator<FimEvent> {
    return this.guard(o, () => this.run(prompt, o))
  }

  private async *run(prompt: FimPrompt, o: GenerateOptions): AsyncGenerator<FimEvent> {
    const meter = new TimingMeter()
    const template = this.opts.fimMode === 'template'
    const body = {
      model: this.model,
      prompt: template ? prompt.parts.map((p) => p.text).join('') : prompt.prefixWithContext,
      ...(template ? {} : { suffix: prompt.suffix }),
      max_tokens: o.maxTokens,
      temperature: o.temperature,
      stop: [...o.stop],
      stream: true,
    }
    const res = await this.post(this.completionsUrl, body, o, 'text/event-stream')
    let stopReason: StopReason = 'unknown'
    let tokens: number | undefined
    let promptTokens: number | undefined
    for await (const raw of sseJson(res.body, this.label)) {
      const chunk = raw as CompletionChunk
      if (chunk.error !== undefined) throw streamError(this.label, JSON.stringify(chunk.error).slice(0, 300))
      if (!Array.isArray(chunk.choices) && !chunk.usage) throw malformed(this.label, 'event without choices')
      const choice = chunk.choices?.[0]
      const text = choice?.text ?? ''
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
