import { basename } from 'node:path'
import type { ChatHistoryItem, LlamaChat, LlamaContext, LlamaModel } from 'node-llama-cpp'
import { HearthError } from '@shared/errors'
import { defaultEngineThreads, loadEngineModel } from '../embeddedProvider'
import { engineGeneration, raceAbort } from '../engineGeneration'
import type { ProviderState } from '../fimTypes'
import type { ChatEvent, ChatMessage, ChatOptions, ChatProvider } from './chatTypes'

export interface EmbeddedChatOptions {
  modelPath: string
  threads?: number
  /** Unload after this long without a request (ms); 0 keeps it. */
  idleUnloadMs?: number
}

/** Longest context asked of the engine: answers with sources fit, and memory stays laptop-sized. */
const MAX_CONTEXT = 8192

interface Loaded {
  model: LlamaModel
  context: LlamaContext
  chat: LlamaChat
}

/**
 * Chat on the in-process llama.cpp engine: node-llama-cpp's LlamaChat with the chat template the
 * GGUF declares ("auto"), the whole conversation given on every request (no hidden session state,
 * so a continued or edited conversation is answered from what the user sees). One answer at a
 * time; the model loads on the first question and unloads when idle.
 */
export class EmbeddedChat implements ChatProvider {
  readonly kind = 'embedded'
  readonly id: string
  readonly model: string
  private readonly label: string
  private current: ProviderState = { phase: 'idle' }
  private loading: Promise<Loaded> | undefined
  private turn: Promise<unknown> = Promise.resolve()
  private idle: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly opts: EmbeddedChatOptions) {
    this.model = basename(opts.modelPath)
    this.id = `embedded:${this.model}`
    this.label = `the embedded engine (${this.model})`
  }

  state(): ProviderState {
    return this.current
  }

  async *stream(messages: readonly ChatMessage[], o: ChatOptions): AsyncGenerator<ChatEvent> {
    // One generation at a time on the single sequence: wait for the previous answer to end.
    const previous = this.turn
    let release = (): void => undefined
    this.turn = new Promise<void>((r) => (release = r))
    try {
      await raceAbort(previous, o.signal).catch((err: unknown) => {
        if (o.signal.aborted) throw cancelled(this.label)
        throw err
      })
      yield* this.generate(messages, o)
    } finally {
      release()
    }
  }

  async dispose(): Promise<void> {
    this.clearIdle()
    const l = await this.loading?.catch(() => undefined)
    this.loading = undefined
    if (!l) return
    l.chat.dispose()
    await l.context.dispose()
    await l.model.dispose()
  }

  /** The context the engine runs this model with: the GGUF's training context, capped. */
  async contextTokens(signal: AbortSignal): Promise<number | undefined> {
    const l = await raceAbort(this.ensureLoaded(), signal)
    this.armIdle()
    return l.context.contextSize
  }

  private async *generate(messages: readonly ChatMessage[], o: ChatOptions): AsyncGenerator<ChatEvent> {
    this.clearIdle()
    try {
      yield* engineGeneration({
        label: this.label,
        o,
        load: () => this.ensureLoaded(),
        setState: (s) => (this.current = s),
        generate: (l, options) => l.chat.generateResponse(toHistory(messages), options),
      })
    } finally {
      this.armIdle()
    }
  }

  private ensureLoaded(): Promise<Loaded> {
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = undefined
      throw err
    })
    return this.loading
  }

  private async load(): Promise<Loaded> {
    this.current = { phase: 'loading' }
    const { mod, model } = await loadEngineModel(this.opts.modelPath, this.label)
    const context = await model.createContext({
      contextSize: Math.min(model.trainContextSize, MAX_CONTEXT),
      threads: this.opts.threads ?? defaultEngineThreads(),
    })
    const chat = new mod.LlamaChat({ contextSequence: context.getSequence(), chatWrapper: 'auto' })
    this.current = { phase: 'ready' }
    return { model, context, chat }
  }

  private armIdle(): void {
    this.clearIdle()
    const ms = this.opts.idleUnloadMs ?? 5 * 60_000
    if (ms <= 0 || !this.loading) return
    this.idle = setTimeout(() => void this.dispose(), ms)
    this.idle.unref()
  }

  private clearIdle(): void {
    if (this.idle) clearTimeout(this.idle)
    this.idle = undefined
  }
}

const cancelled = (label: string): HearthError =>
  new HearthError('cancelled', `${label}: request cancelled`, { reason: 'cancelled' })

function toHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'system'
      ? { type: 'system', text: m.content }
      : m.role === 'user'
        ? { type: 'user', text: m.content }
        : { type: 'model', response: [m.content] },
  )
  // The engine answers into a trailing model turn; an empty one starts a new answer.
  history.push({ type: 'model', response: [] })
  return history
}
