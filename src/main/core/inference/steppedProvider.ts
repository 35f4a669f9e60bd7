import { HearthError } from '@shared/errors'
import { AsyncQueue } from '../base/asyncQueue'
import type {
  CompletionProvider,
  FimEvent,
  FimPrompt,
  GenerateOptions,
  ProviderKind,
  ProviderState,
} from './fimTypes'

/** One stream of a SteppedProvider: what it was asked, and the controls that drive it. */
export interface SteppedCall {
  prompt: FimPrompt
  opts: GenerateOptions
  /** Streams `text` as the next chunk. */
  push(text: string): void
  /** Ends the stream with a `done` event. */
  end(): void
  /** Fails the stream with `err`. */
  fail(err: unknown): void
  /** How the consumer left it: finished, aborted through its signal, or stopped reading early. */
  outcome: 'streaming' | 'done' | 'aborted' | 'early' | 'failed'
}

/**
 * An honest in-memory completion provider for tests: each `stream()` waits until the test
 * pushes text, ends or fails it (no sleeps per token), honours its AbortSignal like a real
 * provider, and records how the consumer left it. The wire protocols themselves are tested
 * against real HTTP servers and the real engine.
 */
export class SteppedProvider implements CompletionProvider {
  readonly calls: SteppedCall[] = []
  private readonly waiters: ((c: SteppedCall) => void)[] = []
  private st: ProviderState = { phase: 'idle' }

  constructor(
    readonly model = 'qwen2.5-coder:1.5b',
    readonly kind: ProviderKind = 'ollama',
    readonly endpoint = 'memory',
  ) {}

  get id(): string {
    return `${this.kind}:${this.model}@${this.endpoint}`
  }

  state(): ProviderState {
    return this.st
  }

  /** The n-th stream (0-based), once it has started. */
  call(n: number): Promise<SteppedCall> {
    const c = this.calls[n]
    if (c) return Promise.resolve(c)
    return new Promise((resolve) => {
      const wait = (x: SteppedCall): void => {
        if (this.calls.indexOf(x) === n) resolve(x)
        else this.waiters.push(wait)
      }
      this.waiters.push(wait)
    })
  }

  async *stream(prompt: FimPrompt, opts: GenerateOptions): AsyncGenerator<FimEvent> {
    const q = new AsyncQueue<FimEvent>()
    let tokens = 0
    const call: SteppedCall = {
      prompt,
      opts,
      outcome: 'streaming',
      push: (text) => {
        tokens++
        q.push({ type: 'text', text })
      },
      end: () => {
        q.push({ type: 'done', timing: { ttftMs: 0, totalMs: 0, tokens }, stopReason: 'stop' })
        q.end()
      },
      fail: (err) => q.fail(err),
    }
    const onAbort = (): void => q.fail(new HearthError('cancelled', 'cancelled', { reason: 'cancelled' }))
    opts.signal.addEventListener('abort', onAbort, { once: true })
    this.calls.push(call)
    for (const w of this.waiters.splice(0)) w(call)
    this.st = { phase: 'generating' }
    try {
      if (opts.signal.aborted) onAbort()
      for await (const ev of q) {
        yield ev
        if (ev.type === 'done') call.outcome = 'done'
      }
    } catch (err) {
      call.outcome = opts.signal.aborted ? 'aborted' : 'failed'
      throw err
    } finally {
      if (call.outcome === 'streaming') call.outcome = 'early'
      opts.signal.removeEventListener('abort', onAbort)
      this.st = { phase: 'ready' }
    }
  }

  dispose(): Promise<void> {
    return Promise.resolve()
  }
}
