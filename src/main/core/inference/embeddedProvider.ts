import { availableParallelism } from 'node:os'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type * as NodeLlamaCpp from 'node-llama-cpp'
import type { Llama, LlamaCompletion, LlamaContext, LlamaModel } from 'node-llama-cpp'
import { HearthError } from '@shared/errors'
import { engineGeneration } from './engineGeneration'
import type { CompletionProvider, FimEvent, FimPrompt, GenerateOptions, ProviderState } from './fimTypes'
import { describeError } from '../net/upstreamErrors'

export { raceAbort } from './engineGeneration'

export interface EmbeddedProviderOptions {
  /** A GGUF file. */
  modelPath: string
  /** CPU threads for generation. Default from the machine (defaultEngineThreads): node-llama-cpp's own oversubscribes small machines badly. */
  threads?: number
  /** Context window; capped at the model's training context. Default 2048. */
  contextSize?: number
  /** Unload the model after this long without a request (ms). Default 5 min; 0 keeps it loaded. */
  idleUnloadMs?: number
  /**
   * llama.cpp's flash attention. Default off: this engine runs on the CPU, where node-llama-cpp's
   * `"auto"` turns it on, and there it made a new position's prompt evaluation (most of a
   * completion's time to first token) 1.5–1.9× as slow and generation 26–40 % slower, with the
   * test model on the 2-core machine (docs/BENCHMARKS.md, FIM). llama.cpp users
   * report slower prefill with it on x86 and Arm CPUs for 1.5B models too (ggml-org/llama.cpp
   * issue 27086). Turn it on where it measures faster.
   */
  flashAttention?: boolean
}

/** How the provider makes its context: also what a direct engine call must use to be comparable. */
export interface EngineContextOptions {
  contextSize: number
  threads: number
  flashAttention: boolean
}

interface Loaded {
  model: LlamaModel
  context: LlamaContext
  completion: LlamaCompletion
  infill: boolean
}

type LlamaModule = typeof NodeLlamaCpp

let llamaModule: Promise<LlamaModule> | undefined
let llamaInstance: Promise<Llama> | undefined

/** node-llama-cpp and its CPU backend, loaded once per process and only when first needed. */
export function sharedLlama(): Promise<{ mod: LlamaModule; llama: Llama }> {
  llamaModule ??= import('node-llama-cpp')
  const mod = llamaModule
  // skipDownload: with no usable binary, node-llama-cpp would ask GitHub for llama.cpp's source
  // (its own fetch, outside the connection policy: DNS and all, offline profile or not). A
  // completion never downloads; a missing engine is an error that says so.
  llamaInstance ??= mod.then((m) =>
    m.getLlama({ gpu: false, logLevel: m.LlamaLogLevel.error, skipDownload: true }),
  )
  return Promise.all([mod, llamaInstance]).then(([m, llama]) => ({ mod: m, llama }))
}

/**
 * A GGUF loaded on the shared engine, with the two ways that fails worded for the user: no such
 * file (model_missing: the fix is a download) or a file the engine cannot load (load_failed).
 * Completions, chat and embeddings each load their own model through here.
 */
export async function loadEngineModel(
  modelPath: string,
  label: string,
): Promise<{ mod: LlamaModule; model: LlamaModel }> {
  const info = await stat(modelPath).catch(() => undefined)
  if (!info?.isFile())
    throw new HearthError('not_found', `${label}: model file not found: ${modelPath}`, {
      reason: 'model_missing',
    })
  const { mod, llama } = await sharedLlama()
  try {
    return { mod, model: await llama.loadModel({ modelPath }) }
  } catch (err) {
    throw new HearthError('unavailable', `${label}: cannot load ${modelPath}: ${(err as Error).message}`, {
      reason: 'load_failed',
    })
  }
}

/**
 * Engine threads when the settings name none: half the cores, at most 8, and one on a machine
 * with two or fewer. llama.cpp's threads meet at a barrier after every layer, so a thread that
 * cannot have a core to itself (the editor, indexing and other apps want theirs) stalls all of
 * them: on a busy 2-core machine two threads made every completion miss its deadline where one
 * answered in time.
 */
export function defaultEngineThreads(cores: number = availableParallelism()): number {
  if (cores <= 2) return 1
  return Math.min(8, Math.floor(cores / 2))
}

/**
 * In-process llama.cpp through node-llama-cpp: no server, no download. The model loads on the
 * first request (so starting Hearth costs nothing) and unloads after `idleUnloadMs` without one.
 * Uses the model's own FIM tokens when it has them (`infillSupported`), otherwise renders the
 * family template with its control strings as special tokens.
 */
export class EmbeddedProvider implements CompletionProvider {
  readonly kind = 'embedded'
  readonly id: string
  readonly model: string
  readonly endpoint: string
  private readonly label: string
  private loading: Promise<Loaded> | undefined
  private idleTimer: NodeJS.Timeout | undefined
  private active = 0
  private current: ProviderState = { phase: 'idle' }
  private disposed = false

  constructor(private readonly opts: EmbeddedProviderOptions) {
    this.model = basename(opts.modelPath)
    this.endpoint = opts.modelPath
    this.id = `embedded:${this.model}`
    this.label = `embedded engine (${this.model})`
  }

  state(): ProviderState {
    return this.current
  }

  get loaded(): boolean {
    return this.loading !== undefined
  }

  get threads(): number {
    return this.opts.threads ?? defaultEngineThreads()
  }

  /** Loads the model now (e.g. to warm it before the first keystroke). */
  async load(): Promise<{ infill: boolean }> {
    const l = await this.ensureLoaded()
    this.armIdle()
    return { infill: l.infill }
  }

  /**
   * The loaded node-llama-cpp model (loading it if needed), so a benchmark can call the engine
   * directly on the very weights Hearth uses. A second copy of the same GGUF, loaded elsewhere in
   * memory, ran up to 1.7 ms per completion faster or slower than the first, by chance of placement
   * (docs/BENCHMARKS.md, FIM): a comparison across two copies measures that too.
   * The model stays this provider's: it is disposed with it, so contexts made on it go first.
   */
  async engineModel(): Promise<LlamaModel> {
    const l = await this.ensureLoaded()
    this.armIdle()
    return l.model
  }

  /** The settings of this provider's context on `model` (its context size capped at the model's). */
  contextOptions(model: LlamaModel): EngineContextOptions {
    return {
      contextSize: Math.min(this.opts.contextSize ?? 2048, model.trainContextSize),
      threads: this.threads,
      flashAttention: this.opts.flashAttention ?? false,
    }
  }

  async *stream(prompt: FimPrompt, o: GenerateOptions): AsyncGenerator<FimEvent> {
    if (this.disposed) throw new HearthError('unavailable', `${this.label}: disposed`)
    this.active++
    this.clearIdle()
    try {
      yield* engineGeneration({
        label: this.label,
        o,
        load: () => this.ensureLoaded(),
        setState: (s) => (this.current = s),
        generate: async (l, options) => {
          if (l.infill)
            return l.completion.generateInfillCompletionWithMeta(
              prompt.prefixWithContext,
              prompt.suffix,
              options,
            )
          const { mod } = await sharedLlama()
          const text = new mod.LlamaText(
            prompt.parts.map((p) => (p.special ? new mod.SpecialTokensText(p.text) : p.text)),
          )
          return l.completion.generateCompletionWithMeta(text, options)
        },
      })
    } finally {
      this.active--
      this.armIdle()
    }
  }

  /** Frees the model and context now; the next request loads them again. */
  async unload(): Promise<void> {
    this.clearIdle()
    const loading = this.loading
    this.loading = undefined
    if (!loading) return
    const l = await loading.catch(() => undefined)
    if (!l) return
    l.completion.dispose()
    await l.context.dispose()
    await l.model.dispose()
    if (this.current.phase !== 'error') this.current = { phase: 'idle' }
  }

  async dispose(): Promise<void> {
    this.disposed = true
    await this.unload()
  }

  private ensureLoaded(): Promise<Loaded> {
    this.loading ??= this.doLoad().catch((err: unknown) => {
      this.loading = undefined
      throw err
    })
    return this.loading
  }

  private async doLoad(): Promise<Loaded> {
    this.current = { phase: 'loading' }
    try {
      const { mod, model } = await loadEngineModel(this.opts.modelPath, this.label)
      const context = await model.createContext(this.contextOptions(model))
      const completion = new mod.LlamaCompletion({ contextSequence: context.getSequence() })
      this.current = { phase: 'ready' }
      return { model, context, completion, infill: completion.infillSupported }
    } catch (err) {
      const e =
        err instanceof HearthError
          ? err
          : new HearthError('unavailable', `${this.label}: ${(err as Error).message}`)
      this.current = { phase: 'error', error: describeError(e) }
      throw e
    }
  }

  private armIdle(): void {
    this.clearIdle()
    const ms = this.opts.idleUnloadMs ?? 5 * 60_000
    if (ms <= 0 || this.active > 0 || !this.loading || this.disposed) return
    this.idleTimer = setTimeout(() => void this.unload(), ms)
    this.idleTimer.unref()
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
  }
}
