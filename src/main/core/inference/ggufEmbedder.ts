import { basename } from 'node:path'
import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp'
import { HearthError } from '@shared/errors'
import type { Disposable } from '../base/lifecycle'
import type { Embedder } from './embedder'
import { defaultEngineThreads, loadEngineModel } from './embeddedProvider'

export interface GgufEmbedderOptions {
  /** The GGUF file (an embedding model such as nomic-embed-text; any model gives vectors). */
  modelPath: string
  threads?: number
  /** Unload the model after this long without a request (indexing comes in bursts). */
  idleUnloadMs?: number
}

/** Longest input in tokens; code chunks are far shorter, and a bigger context costs memory. */
const MAX_CONTEXT = 2048
const DEFAULT_IDLE_UNLOAD_MS = 120_000

interface Loaded {
  model: LlamaModel
  context: LlamaEmbeddingContext
  contextSize: number
}

export const isGguf = (model: string): boolean => model.toLowerCase().endsWith('.gguf')

/** The id an embedded GGUF's vectors are stored under: the file name, so a new model re-embeds. */
export const ggufEmbedderId = (modelPath: string): string => `embedded:${basename(modelPath)}`

/**
 * Embeddings from a GGUF on the in-process llama.cpp engine (node-llama-cpp's embedding context),
 * so the embedding task works with no server, like completions. Loads on the first request,
 * one text at a time (the engine's context is single-sequence), longer inputs cut to the context,
 * vectors L2-normalised (the index compares by cosine), unloaded when idle.
 */
export class GgufEmbedder implements Embedder, Disposable {
  readonly id: string
  readonly maxBatch = 16
  private size: number | null = null
  private loading: Promise<Loaded> | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private idle: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly opts: GgufEmbedderOptions) {
    this.id = ggufEmbedderId(opts.modelPath)
  }

  get dimensions(): number | null {
    return this.size
  }

  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const run = this.queue.then(() => this.embedNow(texts, signal))
    this.queue = run.catch(() => undefined)
    return run
  }

  async dispose(): Promise<void> {
    this.clearIdle()
    const loading = this.loading
    this.loading = undefined
    if (!loading) return
    const l = await loading.catch(() => undefined)
    await l?.context.dispose()
    await l?.model.dispose()
  }

  private async embedNow(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    this.clearIdle()
    try {
      const l = await this.ensureLoaded()
      const out: Float32Array[] = []
      for (const text of texts) {
        signal?.throwIfAborted()
        let tokens = l.model.tokenize(text)
        // The engine adds its own start/end tokens and wants the whole input below the context.
        const room = l.contextSize - 1 - (l.context.calculateInputLength(tokens.slice(0, 1)) - 1)
        if (tokens.length > room) tokens = tokens.slice(0, Math.max(1, room))
        // An empty input has no token to pool; its vector is all zeros (the search skips those).
        if (tokens.length === 0) {
          out.push(new Float32Array(l.model.embeddingVectorSize))
          continue
        }
        const e = await l.context.getEmbeddingFor(tokens)
        out.push(normalise(e.vector))
      }
      return out
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
    const label = `the embedded engine (${basename(this.opts.modelPath)})`
    const { model } = await loadEngineModel(this.opts.modelPath, label)
    try {
      const contextSize = Math.min(model.trainContextSize, MAX_CONTEXT)
      const context = await model.createEmbeddingContext({
        contextSize,
        batchSize: contextSize,
        threads: this.opts.threads ?? defaultEngineThreads(),
      })
      this.size = model.embeddingVectorSize
      return { model, context, contextSize }
    } catch (err) {
      await model.dispose()
      throw new HearthError('unavailable', `${label}: cannot make embeddings: ${(err as Error).message}`, {
        reason: 'load_failed',
      })
    }
  }

  private armIdle(): void {
    this.clearIdle()
    this.idle = setTimeout(() => void this.dispose(), this.opts.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS)
    this.idle.unref()
  }

  private clearIdle(): void {
    if (this.idle) clearTimeout(this.idle)
    this.idle = undefined
  }
}

function normalise(v: readonly number[]): Float32Array {
  let sum = 0
  for (const x of v) sum += x * x
  const out = new Float32Array(v.length)
  const norm = Math.sqrt(sum)
  if (!Number.isFinite(norm) || norm === 0) return out
  for (let i = 0; i < v.length; i++) out[i] = (v[i] ?? 0) / norm
  return out
}
