import { HearthError } from '@shared/errors'
import { AsyncQueue } from '../base/asyncQueue'
import { describeError } from '../net/upstreamErrors'
import type { FimEvent, GenerateOptions, ProviderState, StopReason } from './fimTypes'
import { TimingMeter } from './timingMeter'

/** What node-llama-cpp's generate calls (completion, infill, chat) take from Hearth. */
export interface EngineRunOptions {
  signal: AbortSignal
  maxTokens: number
  temperature: number
  onTextChunk: (text: string) => void
  onToken: (tokens: readonly unknown[]) => void
  customStopTriggers?: string[]
}

export interface EngineGeneration<L> {
  /** Names the engine in errors: "embedded engine (model.gguf)". */
  label: string
  o: GenerateOptions
  /** The loaded model (loading it if needed); a cancel meanwhile leaves the load running. */
  load: () => Promise<L>
  /** Starts the engine's generation; resolves when it ends. */
  generate: (loaded: L, run: EngineRunOptions) => Promise<{ metadata: { stopReason: string } }>
  /** The provider's state for the status bar. */
  setState: (s: ProviderState) => void
}

/**
 * One generation on the in-process engine, as completions and chat both run it: the request's
 * signal and deadline become the engine's abort (the deadline counts from when the model is
 * loaded: loading happens once, and the status says so), text streams as it is made, and a
 * consumer that stops early stops the engine and waits for it, so the sequence is free for the
 * next request.
 */
export async function* engineGeneration<L>(g: EngineGeneration<L>): AsyncGenerator<FimEvent> {
  const { label, o } = g
  const meter = new TimingMeter()
  const ac = new AbortController()
  const onAbort = (): void => ac.abort(cancelled(label))
  if (o.signal.aborted) onAbort()
  else o.signal.addEventListener('abort', onAbort, { once: true })
  let deadline: ReturnType<typeof setTimeout> | undefined
  let generation: Promise<unknown> | undefined
  let settled = false
  let phase = 'idle' as ProviderState['phase']
  const set = (s: ProviderState): void => {
    phase = s.phase
    g.setState(s)
  }
  try {
    const loaded = await raceAbort(g.load(), ac.signal)
    deadline = setTimeout(
      () =>
        ac.abort(
          new HearthError('timeout', `${label}: did not finish within ${o.timeoutMs} ms`, {
            reason: 'deadline',
          }),
        ),
      o.timeoutMs,
    )
    set({ phase: 'generating' })
    const queue = new AsyncQueue<FimEvent>()
    let tokens = 0
    generation = g
      .generate(loaded, {
        signal: ac.signal,
        maxTokens: o.maxTokens,
        temperature: o.temperature,
        onTextChunk: (text) => {
          meter.text(text)
          queue.push({ type: 'text', text })
        },
        onToken: (t) => {
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
    set({ phase: 'ready' })
  } catch (err) {
    const e = engineError(err, ac.signal, label)
    set(e.code === 'cancelled' ? { phase: 'ready' } : { phase: 'error', error: describeError(e) })
    throw e
  } finally {
    clearTimeout(deadline)
    o.signal.removeEventListener('abort', onAbort)
    // The consumer may stop early (it has enough text): stop the engine too, and let the
    // sequence go before the next request takes it. (An engine that has already finished
    // needs no abort: that would build an error and run the listeners for nothing.)
    if (!settled && !ac.signal.aborted) ac.abort(cancelled(label))
    if (generation) await generation
    if (phase === 'generating') set({ phase: 'ready' })
  }
}

const cancelled = (label: string): HearthError =>
  new HearthError('cancelled', `${label}: request cancelled`, { reason: 'cancelled' })

function engineError(err: unknown, signal: AbortSignal, label: string): HearthError {
  if (err instanceof HearthError) return err
  if (signal.aborted && signal.reason instanceof HearthError) return signal.reason
  return new HearthError('unavailable', `${label}: ${err instanceof Error ? err.message : String(err)}`, {
    reason: 'engine_error',
  })
}

/** `p`, or the signal's reason as soon as it aborts (what `p` does meanwhile is left to it). */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e instanceof Error ? e : new Error(String(e)))
      },
    )
  })
}
