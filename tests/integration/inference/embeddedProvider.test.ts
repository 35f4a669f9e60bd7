import { afterAll, describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { failureReason } from '../../../src/main/core/net/httpClient'
import { EmbeddedProvider } from '../../../src/main/core/inference/embeddedProvider'
import { collect, type GenerateOptions } from '../../../src/main/core/inference/fimTypes'
import { buildPrompt, DEFAULT_PROMPT_BUDGET } from '../../../src/main/core/completion/promptBudget'
import { templateFor } from '../../../src/main/core/inference/fimTemplates'
import { CompletionService } from '../../../src/main/core/completion/completionService'

// Real llama.cpp through node-llama-cpp with the tiny real GGUF models: the pipeline (lazy load,
// FIM tokens, streaming, abort, deadline, unload) — not the quality of the text.
const FIM_MODEL = '/work/shared/models/stories260K-fim-test.gguf'
const PLAIN_MODEL = '/work/shared/models/stories260K.gguf'

const prompt = buildPrompt(
  templateFor('qwen'),
  {
    prefix: 'Once upon a time, ',
    suffix: ' happily ever after.',
    snippets: [],
    path: 'story.txt',
    language: 'plaintext',
  },
  DEFAULT_PROMPT_BUDGET,
)

const opts = (extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  maxTokens: 24,
  temperature: 0,
  stop: [],
  signal: new AbortController().signal,
  timeoutMs: 20_000,
  ...extra,
})

async function failure(p: Promise<unknown>): Promise<HearthError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(HearthError)
    return e as HearthError
  }
  throw new Error('expected a failure')
}

describe('EmbeddedProvider (node-llama-cpp, real engine)', () => {
  const fim = new EmbeddedProvider({ modelPath: FIM_MODEL, threads: 1, contextSize: 512, idleUnloadMs: 0 })
  afterAll(async () => {
    await fim.dispose()
  })

  it("loads lazily on the first request and uses the model's FIM tokens", async () => {
    expect(fim.loaded).toBe(false)
    expect(fim.state().phase).toBe('idle')
    const chunks: string[] = []
    const r = await collect(fim.stream(prompt, opts()), (t) => chunks.push(t))
    expect(fim.loaded).toBe(true)
    expect(await fim.load()).toEqual({ infill: true })
    // The loaded model itself, not a second copy (bench:fim calls the engine directly on it).
    const model = await fim.engineModel()
    expect(await fim.engineModel()).toBe(model)
    expect(model.trainContextSize).toBeGreaterThan(0)
    expect(r.text.length).toBeGreaterThan(0)
    expect(chunks.length).toBeGreaterThan(1) // streamed, not one blob
    expect(r.timing.tokens).toBeGreaterThan(0)
    expect(r.timing.tokens).toBeLessThanOrEqual(24)
    expect(r.timing.ttftMs).not.toBeNull()
    expect(r.stopReason === 'length' || r.stopReason === 'stop').toBe(true)
    expect(fim.state().phase).toBe('ready')
  })

  it('makes its context with flash attention off unless asked (slower on the CPU); on works too', async () => {
    const model = await fim.engineModel()
    // 512 asked for, under the model's training context: taken as is.
    expect(fim.contextOptions(model)).toEqual({ contextSize: 512, threads: 1, flashAttention: false })
    const on = new EmbeddedProvider({
      modelPath: FIM_MODEL,
      threads: 1,
      contextSize: 4096,
      idleUnloadMs: 0,
      flashAttention: true,
    })
    try {
      const onModel = await on.engineModel()
      expect(on.contextOptions(onModel)).toEqual({
        contextSize: Math.min(4096, onModel.trainContextSize),
        threads: 1,
        flashAttention: true,
      })
      const r = await collect(on.stream(prompt, opts()))
      expect(r.text.length).toBeGreaterThan(0)
      expect(r.timing.tokens).toBeGreaterThan(0)
    } finally {
      await on.dispose()
    }
  })

  it('is deterministic at temperature 0', async () => {
    const a = await collect(fim.stream(prompt, opts()))
    const b = await collect(fim.stream(prompt, opts()))
    expect(b.text).toBe(a.text)
  })

  it('aborts mid-generation promptly and frees the sequence for the next request', async () => {
    const ac = new AbortController()
    let n = 0
    const t0 = performance.now()
    const err = await failure(
      collect(fim.stream(prompt, opts({ maxTokens: 400, signal: ac.signal })), () => {
        if (++n === 3) ac.abort()
      }),
    )
    expect(err.code).toBe('cancelled')
    expect(performance.now() - t0).toBeLessThan(2000)
    const next = await collect(fim.stream(prompt, opts({ maxTokens: 4 })))
    expect(next.text.length).toBeGreaterThan(0)
  })

  it('a consumer that stops early stops the engine too', async () => {
    let n = 0
    for await (const e of fim.stream(prompt, opts({ maxTokens: 400 }))) {
      if (e.type === 'text' && ++n === 2) break
    }
    expect(fim.state().phase).toBe('ready')
    const next = await collect(fim.stream(prompt, opts({ maxTokens: 4 })))
    expect(next.timing.tokens).toBeLessThanOrEqual(4)
  })

  it('ends by the deadline with timeout / deadline', async () => {
    const err = await failure(collect(fim.stream(prompt, opts({ maxTokens: 100_000, timeoutMs: 150 }))))
    expect(err.code).toBe('timeout')
    expect(failureReason(err)).toBe('deadline')
  })

  it('custom stop strings end the generation (single-line mode stops at the newline)', async () => {
    const full = await collect(fim.stream(prompt, opts({ maxTokens: 48 })))
    expect(full.text).toContain('\n')
    expect(full.text).toContain('.')
    for (const stop of ['\n', '.']) {
      const r = await collect(fim.stream(prompt, opts({ maxTokens: 48, stop: [stop] })))
      expect(r.text.length).toBeGreaterThan(0)
      expect(r.text.includes(stop)).toBe(false)
      expect(full.text.startsWith(r.text)).toBe(true)
    }
  })

  it('unloads when idle and reloads on the next request', async () => {
    const p = new EmbeddedProvider({ modelPath: FIM_MODEL, threads: 1, contextSize: 256, idleUnloadMs: 150 })
    await collect(p.stream(prompt, opts({ maxTokens: 2 })))
    expect(p.loaded).toBe(true)
    await new Promise((r) => setTimeout(r, 400))
    expect(p.loaded).toBe(false)
    expect(p.state().phase).toBe('idle')
    await collect(p.stream(prompt, opts({ maxTokens: 2 })))
    expect(p.loaded).toBe(true)
    await p.dispose()
  })

  it('a model without FIM tokens gets the family template (special tokens) instead', async () => {
    const plain = new EmbeddedProvider({
      modelPath: PLAIN_MODEL,
      threads: 1,
      contextSize: 256,
      idleUnloadMs: 0,
    })
    expect(await plain.load()).toEqual({ infill: false })
    const r = await collect(plain.stream(prompt, opts({ maxTokens: 8 })))
    expect(r.timing.tokens).toBeGreaterThan(0)
    await plain.dispose()
  })

  it('a missing model file is not_found / model_missing, shown in its state', async () => {
    const p = new EmbeddedProvider({ modelPath: '/nonexistent/model.gguf', threads: 1 })
    const err = await failure(collect(p.stream(prompt, opts())))
    expect(err.code).toBe('not_found')
    expect(failureReason(err)).toBe('model_missing')
    expect(p.state()).toMatchObject({ phase: 'error', error: { reason: 'model_missing' } })
  })

  it('a file that is not a GGUF fails to load with a clear error', async () => {
    const p = new EmbeddedProvider({ modelPath: '/work/shared/models/README.md', threads: 1 })
    const err = await failure(collect(p.stream(prompt, opts())))
    expect(err.code).toBe('unavailable')
    expect(err.message).toContain('cannot load')
  })

  it('through the CompletionService: generated once, then a synchronous cache hit', async () => {
    const svc = new CompletionService({ provider: fim, temperature: 0 })
    const r = {
      editorId: 'ed',
      requestId: 1,
      path: 'story.txt',
      language: 'plaintext',
      prefix: 'function tell() {\n  ',
      suffix: '\n}\n',
      line: 2,
      column: 3,
      offset: 20,
      trigger: 'explicit' as const,
    }
    const first = await svc.request(r, new AbortController().signal)
    expect(first).toMatchObject({
      source: 'provider',
      provider: 'embedded',
      model: 'stories260K-fim-test.gguf',
      mode: 'multi',
    })
    const second = svc.request({ ...r, requestId: 2 }, new AbortController().signal)
    expect(second).toMatchObject({ source: 'cache', text: first.text })
    await svc.dispose()
  })
})
