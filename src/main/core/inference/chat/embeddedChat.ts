import { basename } from 'node:path'
import type { ChatHistoryItem, LlamaChat, LlamaContext, LlamaModel } from 'node-llama-cpp'
import { HearthError } from '@shared/errors'
import { AsyncQueue } from '../../base/asyncQueue'
import { describeError } from '../../net/upstreamErrors'
import { defaultEngineThreads, loadEngineModel, raceAbort } from '../embeddedProvider'
import type { ProviderState, StopReason } from '../fimTypes'
import { TimingMeter } from '../timingMeter'
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

  private async *generate(messages: readonly ChatMessage[], o: ChatOptions): AsyncGenerator<ChatEvent> {
    this.clearIdle()
    const meter = new TimingMeter()
    const ac = new AbortController()
    const onAbort = (): void => ac.abort(cancelled(this.label))
    if (o.signal.aborted) onAbort()
    else o.signal.addEventListener('abort', onAbort, { once: true })
    let deadline: ReturnType<typeof setTimeout> | undefined
    let generation: Promise<unknown> | undefined
    let settled = false
    try {
      const l = await raceAbort(this.ensureLoaded(), ac.signal)
      deadline = setTimeout(
        () =>
          ac.abort(
            new HearthError('timeout', `${this.label}: did not finish within ${o.timeoutMs} ms`, {
              reason: 'deadline',
            }),
          ),
        o.timeoutMs,
      )
      this.current = { phase: 'generating' }
      const queue = new AsyncQueue<ChatEvent>()
      let tokens = 0
      generation = l.chat
        .generateResponse(toHistory(messages), {
          signal: ac.signal,
          maxTokens: o.maxTokens,
          temperature: o.temperature,
          onTextChunk: (text: string) => {
            meter.text(text)
            queue.push({ type: 'text', text })
          },
          onToken: (t: readonly unknown[]) => {
            tokens += t.length
          },
          ...(o.stop.length > 0 ? { customStopTriggers: [...o.stop] } : {}),
        })
        .then(
          (r) => {
            settled = true
            const reason = r.metadata.stopReason
            const stopReason: StopReason =
              reason === 'maxTokens' ? 'length' : reason === 'abort' ? 'abort' : 'stop'
            queue.push({ type: 'done', timing: meter.finish(tokens), stopReason })
            queue.end()
          },
          (err: unknown) => {
            settled = true
            queue.fail(err)
          },
        )
      for await (const e of queue) yield e
      this.current = { phase: 'ready' }
    } catch (err) {
      const e = this.mapError(err, ac.signal)
      this.current = e.code === 'cancelled' ? { phase: 'ready' } : { phase: 'error', error: describeError(e) }
      throw e
    } finally {
      clearTimeout(deadline)
      o.signal.removeEventListener('abort', onAbort)
      if (!settled && !ac.signal.aborted) ac.abort(cancelled(this.label))
      if (generation) await generation
      if (this.current.phase === 'generating') this.current = { phase: 'ready' }
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

  private mapError(err: unknown, signal: AbortSignal): HearthError {
    if (err instanceof HearthError) return err
    if (signal.aborted && signal.reason instanceof HearthError) return signal.reason
    return new HearthError(
      'unavailable',
      `${this.label}: ${err instanceof Error ? err.message : String(err)}`,
      {
        reason: 'engine_error',
      },
    )
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
