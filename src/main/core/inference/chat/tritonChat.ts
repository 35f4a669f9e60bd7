import type { HttpClient } from '../../net/httpClient'
import type { StopReason } from '../fimTypes'
import { TimingMeter } from '../timingMeter'
import { TritonProvider } from '../tritonProvider'
import { renderChat, StopFilter, templateForModel, type ChatTemplateName } from './chatTemplates'
import type { ChatEvent, ChatMessage, ChatOptions, ChatProvider } from './chatTypes'

export interface TritonChatOptions {
  url: string
  model: string
  token?: string
  flavor?: 'vllm' | 'trtllm'
  /** The model's chat template; default from its name. */
  template?: ChatTemplateName
  /** The model's context window (tokens), from the endpoint's settings: Triton does not say. */
  contextLength?: number
  http: HttpClient
}

/**
 * Chat through Triton's KServe v2 generate extension (/generate_stream): Triton hands
 * `text_input` to the model as it is, so the conversation is rendered in the model's chat
 * template here, and the answer ends at the template's end-of-turn marker even where the server
 * prints it. The HTTP side (deadlines, status mapping, echoed or cumulative output) is the
 * completion provider's.
 */
export class TritonChat implements ChatProvider {
  readonly kind = 'triton'
  readonly id: string
  readonly model: string
  private readonly generator: TritonProvider
  private readonly template: ChatTemplateName

  constructor(private readonly opts: TritonChatOptions) {
    this.generator = new TritonProvider({
      url: opts.url,
      model: opts.model,
      http: opts.http,
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.flavor ? { flavor: opts.flavor } : {}),
    })
    this.model = opts.model
    this.id = this.generator.id
    this.template = opts.template ?? templateForModel(opts.model)
  }

  state(): ReturnType<TritonProvider['state']> {
    return this.generator.state()
  }

  contextTokens(): Promise<number | undefined> {
    return Promise.resolve(this.opts.contextLength)
  }

  async *stream(messages: readonly ChatMessage[], o: ChatOptions): AsyncGenerator<ChatEvent> {
    const rendered = renderChat(this.template, messages)
    const filter = new StopFilter(rendered.stop)
    const stop = [...rendered.stop, ...o.stop]
    const meter = new TimingMeter()
    let tokens = 0
    for await (const ev of this.generator.streamText(rendered.text, { ...o, stop })) {
      if (ev.type === 'text') {
        tokens++
        const text = filter.push(ev.text)
        if (text) {
          meter.text(text)
          yield { type: 'text', text }
        }
        // Leaving the loop closes the response: the server stops generating.
        if (filter.stopped) break
        continue
      }
      const rest = filter.flush()
      if (rest) {
        meter.text(rest)
        yield { type: 'text', text: rest }
      }
      // The generate extension does not say why it ended; one event per token reaching the limit does.
      const stopReason: StopReason = tokens >= o.maxTokens ? 'length' : 'stop'
      yield { type: 'done', timing: meter.finish(tokens), stopReason }
      return
    }
    // Ended at a template marker the server printed.
    yield { type: 'done', timing: meter.finish(tokens), stopReason: 'stop' }
  }

  dispose(): Promise<void> {
    return this.generator.dispose()
  }
}
