import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CompletionRequest, CompletionResult } from '@shared/contract/completion'
import type { EventName, PayloadOf } from '@shared/contract'
import { HearthError } from '@shared/errors'
import type {
  CompletionProvider,
  FimEvent,
  FimPrompt,
  GenerateOptions,
  ProviderState,
} from '../inference/fimTypes'
import { FULL_SPEED } from '../resources/budgets'
import { CompletionCache } from './completionCache'
import { CompletionService, midWord } from './completionService'
import { SteppedProvider, type SteppedCall } from '../inference/steppedProvider'

/**
 * A provider that streams a fixed script with a delay per token and records what happened to
 * each call (finished, aborted, stopped early by the consumer). It stands in for the network so
 * these tests can pin down the service's scheduling; the protocols themselves are tested over
 * real HTTP in tests/integration/inference.
 */
class ScriptedProvider implements CompletionProvider {
  readonly kind = 'ollama'
  readonly id = 'scripted:qwen2.5-coder:1.5b'
  readonly model = 'qwen2.5-coder:1.5b'
  readonly endpoint = 'memory'
  calls: {
    prompt: FimPrompt
    opts: GenerateOptions
    outcome?: 'done' | 'aborted' | 'early' | 'error'
    abortedAt?: number
  }[] = []
  tokens: string[] = ['a', ' +', ' b', '\n', 'x']
  delayMs = 5
  fail: HearthError | undefined
  private st: ProviderState = { phase: 'idle' }

  state(): ProviderState {
    return this.st
  }

  async *stream(prompt: FimPrompt, opts: GenerateOptions): AsyncGenerator<FimEvent> {
    const call: (typeof this.calls)[number] = { prompt, opts }
    this.calls.push(call)
    opts.signal.addEventListener('abort', () => (call.abortedAt = performance.now()), { once: true })
    let finished = false
    try {
      if (this.fail) {
        this.st = {
          phase: 'error',
          error: { code: this.fail.code, message: this.fail.message, reason: 'model_missing' },
        }
        call.outcome = 'error'
        throw this.fail
      }
      this.st = { phase: 'generating' }
      for (const t of this.tokens) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, this.delayMs)
          opts.signal.addEventListener('abort', () => {
            clearTimeout(timer)
            reject(new HearthError('cancelled', 'cancelled'))
          })
        })
        yield { type: 'text', text: t }
      }
      finished = true
      call.outcome = 'done'
      yield {
        type: 'done',
        timing: { ttftMs: 1, totalMs: 2, tokens: this.tokens.length },
        stopReason: 'stop',
      }
    } catch (err) {
      call.outcome ??= 'aborted'
      throw err
    } finally {
      if (!finished && !call.outcome) call.outcome = 'early'
      if (this.st.phase === 'generating') this.st = { phase: 'ready' }
    }
  }

  dispose(): Promise<void> {
    return Promise.resolve()
  }
}

class Events {
  seen: { event: string; payload: unknown }[] = []
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void {
    this.seen.push({ event, payload })
  }
}

let nextId = 0
function req(prefix: string, suffix: string, extra: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    editorId: 'e1',
    requestId: ++nextId,
    path: 'src/a.ts',
    language: 'typescript',
    prefix,
    suffix,
    line: prefix.split('\n').length,
    column: prefix.length - prefix.lastIndexOf('\n'),
    offset: prefix.length,
    trigger: 'explicit',
    ...extra,
  }
}

const live = (): AbortSignal => new AbortController().signal
const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as { then?: unknown })?.then === 'function'

async function settle(v: CompletionResult | Promise<CompletionResult>): Promise<CompletionResult> {
  return v
}

async function rejection(p: CompletionResult | Promise<CompletionResult>): Promise<HearthError> {
  try {
    await p
  } catch (e) {
    return e as HearthError
  }
  throw new Error('expected a rejection')
}

/** Pushes chunks into a stepped stream and lets the service take them in. */
async function streamed(call: SteppedCall, ...chunks: string[]): Promise<void> {
  for (const c of chunks) call.push(c)
  await new Promise((r) => setImmediate(r))
}

/** A service on a stepped provider: the test pushes each chunk, nothing waits on a timer. */
function stepped(): { svc: CompletionService; p: SteppedProvider } {
  const p = new SteppedProvider()
  return { svc: new CompletionService({ provider: p, events: new Events() }), p }
}

function service(
  p = new ScriptedProvider(),
  extra: Partial<ConstructorParameters<typeof CompletionService>[0]> = {},
) {
  const events = new Events()
  const svc = new CompletionService({ provider: p, events, ...extra })
  return { svc, p, events }
}

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('CompletionService', () => {
  it('generates on a miss, post-processes, then answers the same position from the cache synchronously', async () => {
    const { svc, p } = service()
    const r1 = await settle(svc.request(req('const x = ', '\n'), live()))
    expect(r1).toMatchObject({
      text: 'a + b',
      cached: false,
      source: 'provider',
      mode: 'single',
      provider: 'ollama',
    })
    expect(p.calls).toHaveLength(1)
    // Single-line mode asks the server to stop at the newline too.
    expect(p.calls[0]?.opts.stop).toContain('\n')
    const r2 = svc.request(req('const x = ', '\n'), live())
    expect(isPromise(r2)).toBe(false)
    expect(r2).toMatchObject({ text: 'a + b', cached: true, source: 'cache' })
    expect(p.calls).toHaveLength(1)
  })

  it('stops the provider as soon as the answer is complete (newline in single-line mode)', async () => {
    const { svc, p } = service()
    p.tokens = ['a', '\n', 'never', 'shown', 'tokens']
    const r = await settle(svc.request(req('const x = ', '\n'), live()))
    expect(r.text).toBe('a')
    expect(p.calls[0]?.outcome).toBe('early')
  })

  it('typed-ahead: typing the first characters of a completion serves the rest at once', async () => {
    const { svc, p } = service()
    await settle(svc.request(req('const x = ', '\n'), live()))
    const r = svc.request(req('const x = a +', '\n'), live())
    expect(isPromise(r)).toBe(false)
    expect(r).toMatchObject({ text: ' b', cached: true, source: 'typed-ahead' })
    // Typing something else is not a continuation.
    const other = await settle(svc.request(req('const x = z', '\n'), live()))
    expect(other.source).toBe('provider')
    expect(p.calls).toHaveLength(2)
  })

  it('reuses a running stream when the new position continues it; the older request is superseded', async () => {
    const { svc, p } = stepped()
    const first = svc.request(req('const x = ', '\n'), live())
    const call = await p.call(0)
    await streamed(call, 'a', ' +')
    const second = svc.request(req('const x = a', '\n'), live())
    await streamed(call, ' b')
    call.end()
    // The older request learns it was superseded when the stream it started ends.
    const err = await rejection(first)
    expect(err.code).toBe('cancelled')
    const r2 = await settle(second)
    expect(r2).toMatchObject({ text: ' + b', source: 'stream-reuse', cached: true })
    expect(p.calls).toHaveLength(1)
    expect(p.calls[0]?.outcome).not.toBe('aborted')
  })

  it('judges a new position against everything streamed so far, not only what was post-processed', async () => {
    const { svc, p } = stepped()
    const first = svc.request(req('const x = ', '\n'), live())
    // No chunk ends a line or closes a bracket, so none of them is post-processed while streaming.
    await streamed(await p.call(0), 'a', ' +')
    // Typed 'a -': it agrees with nothing post-processed yet, but not with what has streamed.
    const second = svc.request(req('const x = a -', '\n'), live())
    expect(p.calls[0]?.opts.signal.aborted).toBe(true) // not joined: stopped at once
    expect((await rejection(first)).code).toBe('cancelled')
    const next = await p.call(1)
    next.push(' b')
    next.end()
    expect((await settle(second)).source).toBe('provider')
    expect(p.calls).toHaveLength(2)
  })

  it('a request that does not continue the running one aborts it at once (one in flight per editor)', async () => {
    const { svc, p } = stepped()
    const first = svc.request(req('const x = ', '\n'), live())
    await p.call(0)
    const second = svc.request(req('let y = ', '\n'), live())
    // Synchronously, in the same turn as the new request (no timer, no await in between).
    expect(p.calls[0]?.opts.signal.aborted).toBe(true)
    expect((await rejection(first)).code).toBe('cancelled')
    const next = await p.call(1)
    next.push('a + b')
    next.end()
    expect((await settle(second)).text).toBe('a + b')
  })

  it('cancellation through the signal reaches the provider', async () => {
    const { svc, p } = stepped()
    const ac = new AbortController()
    const pending = svc.request(req('const x = ', '\n'), ac.signal)
    await p.call(0)
    ac.abort()
    expect(p.calls[0]?.opts.signal.aborted).toBe(true) // synchronously
    expect((await rejection(pending)).code).toBe('cancelled')
    expect(p.calls[0]?.outcome).toBe('aborted')
  })

  it('refuses an out-of-order (stale) request', async () => {
    const { svc } = service()
    const newer = req('a', '\n')
    const older = { ...req('b', '\n'), requestId: newer.requestId - 1 }
    await settle(svc.request(newer, live()))
    await expect(async () => settle(svc.request(older, live()))).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('mid-word: no automatic request, but an explicit one is served', async () => {
    expect(midWord('const fo', 'o = 1')).toBe(true)
    expect(midWord('foo(', 'bar)')).toBe(false)
    expect(midWord('const x', '\n')).toBe(false)
    const { svc, p } = service()
    const r = svc.request(req('const fo', 'o = 1\n', { trigger: 'automatic' }), live())
    expect(r).toMatchObject({ text: '', source: 'skipped', reason: 'mid-word' })
    expect(p.calls).toHaveLength(0)
    await settle(svc.request(req('const fo', 'o = 1\n', { trigger: 'explicit' }), live()))
    expect(p.calls).toHaveLength(1)
  })

  it('debounce: the budget sets the floor, typing rhythm stretches it, a newer keystroke ends it', async () => {
    const { svc, p } = service()
    svc.setBudgets({ ...FULL_SPEED, completion: { maxTokens: 64, debounceMs: 30 } })
    expect(svc.debounceMs('e1')).toBe(30)
    // Keystrokes every 100 ms.
    const outcomes: Promise<string>[] = []
    for (let i = 0; i < 5; i++) {
      const r = settle(svc.request(req('x'.repeat(i + 1) + ' = ', '\n', { trigger: 'automatic' }), live()))
      outcomes.push(
        r.then(
          (x) => x.text,
          (e: HearthError) => e.code,
        ),
      )
      await new Promise((r) => setTimeout(r, 100))
    }
    const d = svc.debounceMs('e1')
    expect(d).toBeGreaterThan(90)
    expect(d).toBeLessThanOrEqual(250)
    const settled = await Promise.all(outcomes)
    expect(settled.at(-1)).toBe('a + b') // the last keystroke is answered
    // Once the rhythm is learnt, requests between keystrokes stop reaching the provider.
    expect(p.calls.length).toBeLessThan(5)

    svc.setBudgets({ ...FULL_SPEED, completion: { maxTokens: 64, debounceMs: 400 } })
    const calls = p.calls.length
    const t0 = performance.now()
    const a = svc.request(req('y = ', '\n', { trigger: 'automatic', editorId: 'e9' }), live())
    const b = svc.request(req('z = ', '\n', { trigger: 'explicit', editorId: 'e9' }), live())
    expect((await rejection(a)).code).toBe('cancelled')
    expect(performance.now() - t0).toBeLessThan(100) // not the 400 ms debounce
    expect((await settle(b)).text).toBe('a + b')
    expect(p.calls.length).toBe(calls + 1)
  })

  it('streams partial ghost text as events, one each time a line completes', async () => {
    const { svc, p, events } = service()
    p.tokens = ['a', ' +', ' b', '\n', '  c', ';', '\n', '  d']
    const r = req('function f() {\n  ', '\n}\n')
    expect((await settle(svc.request(r, live()))).text).toBe('a + b\n  c;\n  d')
    const partials = events.seen
      .filter((e) => e.event === 'completion.partial')
      .map((e) => (e.payload as { text: string }).text)
    // The renderer shows a partial's complete lines only: nothing is sent for text within a line.
    expect(partials).toEqual(['a + b\n', 'a + b\n  c;\n'])
  })

  it('a provider failure reaches the caller and the status bar with its reason', async () => {
    const { svc, p, events } = service()
    p.fail = new HearthError('not_found', 'model "qwen" not found — run `ollama pull qwen`', {
      reason: 'model_missing',
    })
    const err = await rejection(svc.request(req('x = ', '\n'), live()))
    expect(err.code).toBe('not_found')
    expect(svc.status()).toMatchObject({ state: 'error', reason: 'model_missing' })
    expect(events.seen.some((e) => e.event === 'completion.statusChanged')).toBe(true)
  })

  it('shows "generating" in the status bar only for a generation that runs long, never for a quick one', async () => {
    const states = (events: Events): string[] =>
      events.seen
        .filter((e) => e.event === 'completion.statusChanged')
        .map((e) => (e.payload as { state: string }).state)
    const { svc, p, events } = service()
    await settle(svc.request(req('const a = ', '\n'), live()))
    // The first one takes the provider from idle to ready, which the status bar shows.
    expect(states(events)).toEqual(['ready'])
    events.seen = []
    await settle(svc.request(req('const b = ', '\n'), live()))
    // Five tokens 5 ms apart: no flicker, and no status event on the way to the answer.
    expect(states(events)).toEqual([])
    p.delayMs = 120
    await settle(svc.request(req('const c = ', '\n'), live()))
    expect(states(events)).toEqual(['generating', 'ready'])
  })

  it('counts shown / accepted / kept locally', () => {
    const { svc } = service()
    svc.feedback({ editorId: 'e1', requestId: 1, kind: 'shown' })
    svc.feedback({ editorId: 'e1', requestId: 1, kind: 'accepted', chars: 5 })
    const c = svc.feedback({ editorId: 'e1', requestId: 1, kind: 'kept', chars: 5 })
    expect(c).toMatchObject({ shown: 1, accepted: 1, kept: 1 })
    expect(svc.status().counts.accepted).toBe(1)
  })

  it('the persistent layer answers after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-cs-'))
    dirs.push(dir)
    const file = join(dir, 'cache.jsonl')
    const a = service(new ScriptedProvider(), { cache: new CompletionCache({ file }) })
    await settle(a.svc.request(req('const x = ', '\n'), live()))
    await a.svc.dispose()
    const cache = new CompletionCache({ file })
    await cache.load()
    const b = service(new ScriptedProvider(), { cache })
    const r = b.svc.request(req('const x = ', '\n', { editorId: 'e2' }), live())
    expect(r).toMatchObject({ text: 'a + b', source: 'cache' })
    expect(b.p.calls).toHaveLength(0)
  })

  it('nextCompletion (prefetch) fills the cache for the position after an accept', async () => {
    const { svc, p } = service()
    await svc.nextCompletion({ path: 'src/a.ts', text: 'const x = \nfoo()', offset: 10 }, live())
    expect(p.calls).toHaveLength(1)
    const r = svc.request(req('const x = ', '\nfoo()'), live())
    expect(r).toMatchObject({ source: 'cache', text: 'a + b' })
  })

  it('acceptedContext: the window with the accepted suggestion applied, cursor after it', async () => {
    const { svc } = service()
    const r = req('const x = ', '\nfoo()')
    const answer = await settle(svc.request(r, live()))
    expect(answer.text).toBe('a + b')
    expect(svc.acceptedContext('e1', r.requestId)).toEqual({
      path: 'src/a.ts',
      text: 'const x = a + b\nfoo()',
      offset: 'const x = a + b'.length,
      languageId: 'typescript',
    })
    expect(svc.acceptedContext('e1', r.requestId + 1000)).toBeUndefined()
    expect(svc.acceptedContext('other-editor', r.requestId)).toBeUndefined()
  })
})
