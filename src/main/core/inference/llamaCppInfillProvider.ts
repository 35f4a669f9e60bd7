import type { HttpClient } from '../net/httpClient'
import { sseJson } from '../net/streamParsers'
import type { CompletionProvider, FimEvent, FimPrompt, GenerateOptions, StopReason } from './fimTypes'
import { HttpProviderBase } from './httpProviderBase'
import { baseUrl, malformed, streamError } from '../net/upstreamErrors'
import { TimingMeter } from './timingMeter'

export interface LlamaCppInfillOptions {
  /** llama.cpp server root, e.g. http://127.0.0.1:8080. */
  url: string
  /** Informational: llama-server serves the model it was started with. */
  model: string
  token?: string
  http: HttpClient
}

interface InfillChunk {
  content?: string
  stop?: boolean
  stop_type?: string
  tokens_predicted?: number
  tokens_evaluated?: number
  timings?: { predicted_n?: number; prompt_n?: number }
  error?: unknown
}

/**
 * llama.cpp server's `/infill`: prefix and suffix as separate fields, repository snippets as
 * `input_extra` (the server lays them out with the model's own FIM/repo tokens) and
 * `cache_prompt` so unchanged leading context is not re-evaluated. SSE stream.
 */
export class LlamaCppInfillProvider extends HttpProviderBase implements CompletionProvider {
  readonly kind = 'llamacpp'
  readonly id: string
  readonly endpoint: string

  constructor(opts: LlamaCppInfillOptions) {
    const root = baseUrl(opts.url).replace(/\/v1$/, '')
    super(opts.http, `llama.cpp server at ${root}`, opts.model, opts.token)
    this.endpoint = root
    this.id = `llamacpp:${opts.model}@${root}`
  }

  stream(prompt: FimPrompt, o: GenerateOptions): AsyncGenerator<FimEvent> {
    return this.guard(o, () => this.run(prompt, o))
  }

  private async *run(prompt: FimPrompt, o: GenerateOptions): AsyncGenerator<FimEvent> {
    const meter = new TimingMeter()
    const body = {
      input_prefix: prompt.prefix,
      input_suffix: prompt.suffix,
      input_extra: prompt.snippets.map((s) => ({ filename: s.path, text: s.text })),
      n_predict: o.maxTokens,
      temperature: o.temperature,
      stop: [...o.stop],
      stream: true,
      cache_prompt: true,
    }
    const res = await this.post(`${this.endpoint}/infill`, body, o, 'text/event-stream')
    let stopReason: StopReason = 'unknown'
    let tokens: number | undefined
    let promptTokens: number | undefined
    for await (const raw of sseJson(res.body, this.label)) {
      const chunk = raw as InfillChunk
      if (chunk.error !== undefined) throw streamError(this.label, JSON.stringify(chunk.error).slice(0, 300))
      if (typeof chunk !== 'object' || chunk === null) throw malformed(this.label, 'event is not an object')
      const text = chunk.content ?? ''
      if (text) {
        meter.text(text)
        yield { type: 'text', text }
      }
      if (chunk.stop) {
        stopReason = chunk.stop_type === 'limit' ? 'length' : 'stop'
        tokens = chunk.timings?.predicted_n ?? chunk.tokens_predicted
        promptTokens = chunk.timings?.prompt_n ?? chunk.tokens_evaluated
        break
      }
    }
    yield { type: 'done', timing: meter.finish(tokens, promptTokens), stopReason }
  }
}
