import type { GenerateResponse } from 'ollama'
import type { HttpClient } from '../net/httpClient'
import type {
  CompletionProvider,
  FimEvent,
  FimPrompt,
  GenerateOptions,
  ProviderState,
  StopReason,
} from './fimTypes'
import { baseUrl, describeError } from '../net/upstreamErrors'
import { ollamaClient, ollamaError } from './ollamaClient'
import { TimingMeter } from './timingMeter'

export interface OllamaProviderOptions {
  /** Default http://127.0.0.1:11434. */
  url?: string
  model: string
  /** How long Ollama keeps the model loaded after a request (its `keep_alive`), e.g. '30m'. */
  keepAlive?: string | number
  /** Bearer token (Ollama behind an authenticating proxy): sent on every request. */
  token?: string
  http: HttpClient
}

export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434'

/**
 * Ollama `/api/generate` with `prompt` + `suffix` — not `raw`, which would drop the suffix: the
 * model's own template (Modelfile) turns the pair into its FIM format. Streams NDJSON through the
 * `ollama` package, whose fetch is Hearth's HttpClient (policy, keep-alive, deadlines, abort).
 */
export class OllamaProvider implements CompletionProvider {
  readonly kind = 'ollama'
  readonly id: string
  readonly model: string
  readonly endpoint: string
  private readonly label: string
  private current: ProviderState = { phase: 'idle' }

  constructor(private readonly opts: OllamaProviderOptions) {
    this.endpoint = baseUrl(opts.url ?? DEFAULT_OLLAMA_URL)
    this.model = opts.model
    this.id = `ollama:${opts.model}@${this.endpoint}`
    this.label = `ollama at ${this.endpoint}`
  }

  state(): ProviderState {
    return this.current
  }

  async *stream(prompt: FimPrompt, o: GenerateOptions): AsyncGenerator<FimEvent> {
    const meter = new TimingMeter()
    const client = ollamaClient(this.endpoint, this.opts.http, this.opts.token, o, this.label)
    this.current = { phase: 'generating' }
    let last: GenerateResponse | undefined
    try {
      const parts = await client.generate({
        model: this.model,
        prompt: prompt.prefixWithContext,
        suffix: prompt.suffix,
        raw: false,
        stream: true,
        ...(this.opts.keepAlive !== undefined ? { keep_alive: this.opts.keepAlive } : {}),
        options: {
          num_predict: o.maxTokens,
          temperature: o.temperature,
          stop: [...o.stop],
          ...(o.numCtx !== undefined ? { num_ctx: o.numCtx } : {}),
        },
      })
      for await (const part of parts) {
        const text = part.response ?? ''
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
    }
    this.current = { phase: 'ready' }
    const stopReason: StopReason =
      last?.done_reason === 'length' ? 'length' : last?.done_reason === 'stop' ? 'stop' : 'unknown'
    yield {
      type: 'done',
      timing: meter.finish(last?.eval_count, last?.prompt_eval_count),
      stopReason,
    }
  }

  async dispose(): Promise<void> {
    // Nothing held: sockets belong to the shared HttpClient.
  }
}
