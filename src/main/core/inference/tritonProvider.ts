import type { HttpClient } from '../net/httpClient'
import { sseJson } from '../net/streamParsers'
import type { CompletionProvider, FimEvent, FimPrompt, GenerateOptions } from './fimTypes'
import { HttpProviderBase } from './httpProviderBase'
import { baseUrl, malformed, streamError } from '../net/upstreamErrors'
import { TimingMeter } from './timingMeter'

export interface TritonProviderOptions {
  /** Triton HTTP root, e.g. http://dgx:8000. */
  url: string
  /** Model (or ensemble) name in Triton's repository. */
  model: string
  token?: string
  /**
   * Request layout of the backend behind the generate extension:
   * 'vllm' (default) — `text_input`, `stream`, `exclude_input_in_output`, sampling in `parameters`;
   * 'trtllm' — the TensorRT-LLM ensemble's inputs `text_input`, `max_tokens`, `temperature`,
   * `stop_words`, `stream`.
   */
  flavor?: 'vllm' | 'trtllm'
  /** Use /generate_stream (default) or the one-shot /generate. */
  streaming?: boolean
  http: HttpClient
}

interface GenerateChunk {
  text_output?: unknown
  error?: unknown
}

/**
 * Triton's KServe v2 generate extension: POST /v2/models/{model}/generate (one JSON answer) or
 * /generate_stream (SSE, one event per response of a decoupled model). Hearth renders the
 * family's FIM template itself, because Triton passes `text_input` to the model verbatim.
 *
 * Backends differ in whether a streamed `text_output` is a delta or the text so far, and whether
 * the prompt is echoed; both are normalised here so callers always get deltas of new text.
 */
export class TritonProvider extends HttpProviderBase implements CompletionProvider {
  readonly kind = 'triton'
  readonly id: string
  readonly endpoint: string

  constructor(private readonly opts: TritonProviderOptions) {
    const root = baseUrl(opts.url)
    super(opts.http, `triton at ${root}`, opts.model, opts.token)
    this.endpoint = root
    this.id = `triton:${opts.model}@${root}`
  }

  stream(prompt: FimPrompt, o: GenerateOptions): AsyncGenerator<FimEvent> {
    return this.streamText(prompt.parts.map((p) => p.text).join(''), o)
  }

  /** Generates from `input` as the model will read it (a rendered FIM or chat template). */
  streamText(input: string, o: GenerateOptions): AsyncGenerator<FimEvent> {
    return this.guard(o, () => this.run(input, o))
  }

  private body(text: string, o: GenerateOptions, stream: boolean): Record<string, unknown> {
    if (this.opts.flavor === 'trtllm') {
      return {
        text_input: text,
        max_tokens: o.maxTokens,
        temperature: o.temperature,
        stop_words: [...o.stop],
        stream,
      }
    }
    return {
      text_input: text,
      stream,
      exclude_input_in_output: true,
      parameters: { max_tokens: o.maxTokens, temperature: o.temperature, stop: [...o.stop] },
    }
  }

  private async *run(input: string, o: GenerateOptions): AsyncGenerator<FimEvent> {
    const meter = new TimingMeter()
    const streaming = this.opts.streaming !== false
    const url = `${this.endpoint}/v2/models/${encodeURIComponent(this.model)}/${streaming ? 'generate_stream' : 'generate'}`
    const res = await this.post(
      url,
      this.body(input, o, streaming),
      o,
      streaming ? 'text/event-stream' : 'application/json',
    )
    const normaliser = new DeltaNormaliser(input)
    if (!streaming) {
      const text = normaliser.push(outputText(await res.json(), this.label))
      if (text) {
        meter.text(text)
        yield { type: 'text', text }
      }
    } else {
      for await (const raw of sseJson(res.body, this.label)) {
        const text = normaliser.push(outputText(raw, this.label))
        if (text) {
          meter.text(text)
          yield { type: 'text', text }
        }
      }
    }
    yield { type: 'done', timing: meter.finish(), stopReason: 'unknown' }
  }
}

function outputText(raw: unknown, label: string): string {
  if (typeof raw !== 'object' || raw === null) throw malformed(label, 'response is not an object')
  const r = raw as GenerateChunk
  if (r.error !== undefined)
    throw streamError(label, typeof r.error === 'string' ? r.error : JSON.stringify(r.error))
  const t = r.text_output
  if (typeof t === 'string') return t
  if (Array.isArray(t) && t.every((x) => typeof x === 'string')) return t.join('')
  throw malformed(label, 'no text_output')
}

/**
 * Turns whatever the backend streams into deltas: strips an echoed prompt, and recognises a
 * cumulative stream (each output starts with all text so far) versus a delta stream.
 */
export class DeltaNormaliser {
  private emitted = ''
  private first = true

  constructor(private readonly prompt: string) {}

  push(output: string): string {
    let out = output
    if (this.first) {
      this.first = false
      if (this.prompt.length > 0 && out.startsWith(this.prompt)) out = out.slice(this.prompt.length)
    } else if (this.emitted.length > 0) {
      const echoed = this.prompt + this.emitted
      if (out.startsWith(echoed)) out = out.slice(echoed.length)
      else if (this.emitted.length >= 2 && out.startsWith(this.emitted)) out = out.slice(this.emitted.length)
    }
    this.emitted += out
    return out
  }
}
