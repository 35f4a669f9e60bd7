import { Ollama } from 'ollama'
import { HearthError } from '@shared/errors'
import { authHeaders } from '../net/credentials'
import type { HttpClient } from '../net/httpClient'
import type { Embedder } from './embedder'
import { baseUrl, malformed, statusError, toProviderError } from '../net/upstreamErrors'

export type HttpEmbedderKind = 'ollama' | 'triton' | 'openai'

export interface HttpEmbedderOptions {
  kind: HttpEmbedderKind
  /** Server root (Ollama http://127.0.0.1:11434, Triton http://dgx:8000, OpenAI-compatible root or /v1). */
  url: string
  model: string
  /** Bearer token (Triton behind a gateway, OpenAI-compatible servers, Ollama behind a proxy). */
  token?: string
  /** Texts per request; larger inputs are split. Default 32. */
  maxBatch?: number
  /** Whole request deadline (ms). Default 60 s: an embedding batch on a busy server is slow, not dead. */
  timeoutMs?: number
  /** Triton: names of the BYTES input and FP32 output tensors (default 'text' / first FP32 output). */
  tritonInput?: string
  tritonOutput?: string
  /** The shared HTTP client (policy, keep-alive); a private one is made when absent. */
  http: HttpClient
}

const DEFAULT_BATCH = 32
const DEFAULT_TIMEOUT_MS = 60_000

/**
 * The indexer's remote embedders behind the shared `Embedder` interface:
 * Ollama `/api/embed` (batched, via the `ollama` package), Triton KServe v2
 * `/v2/models/{model}/infer` (BYTES text in, FP32 tensor out) and OpenAI-compatible
 * `/v1/embeddings`. Retries and fallback belong to the router/breaker, not here.
 */
export function createHttpEmbedder(opts: HttpEmbedderOptions): Embedder {
  switch (opts.kind) {
    case 'ollama':
      return new OllamaEmbedder(opts)
    case 'triton':
      return new TritonEmbedder(opts)
    case 'openai':
      return new OpenAiEmbedder(opts)
  }
}

abstract class BatchingEmbedder implements Embedder {
  readonly id: string
  readonly maxBatch: number
  dimensions: number | null = null
  protected readonly root: string
  protected readonly label: string

  protected constructor(
    protected readonly opts: HttpEmbedderOptions,
    labelKind: string,
  ) {
    this.root = baseUrl(opts.url)
    this.id = `${opts.kind}:${opts.model}`
    this.maxBatch = opts.maxBatch ?? DEFAULT_BATCH
    this.label = `${labelKind} embeddings at ${this.root}`
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const out: Float32Array[] = []
    try {
      for (let i = 0; i < texts.length; i += this.maxBatch) {
        const batch = texts.slice(i, i + this.maxBatch)
        const vectors = await this.embedBatch(batch, signal)
        if (vectors.length !== batch.length) {
          throw malformed(this.label, `${vectors.length} vectors for ${batch.length} texts`)
        }
        for (const v of vectors) {
          if (this.dimensions === null) this.dimensions = v.length
          else if (v.length !== this.dimensions) {
            throw malformed(this.label, `vector length ${v.length}, expected ${this.dimensions}`)
          }
          out.push(v)
        }
      }
    } catch (err) {
      throw err instanceof HearthError ? err : toProviderError(err, this.label, signal)
    }
    return out
  }

  protected abstract embedBatch(texts: string[], signal: AbortSignal | undefined): Promise<Float32Array[]>

  protected async postJson(url: string, body: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      ...authHeaders(this.opts.token),
    }
    const timeout = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const res = await this.opts.http.request(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      timeoutMs: timeout,
      responseTimeoutMs: timeout,
      idleTimeoutMs: timeout,
      label: this.label,
      ...(signal ? { signal } : {}),
    })
    if (res.status < 200 || res.status >= 300) {
      const text = await res.text(64 * 1024).catch(() => '')
      throw statusError(
        res.status,
        text,
        { label: this.label, model: this.opts.model },
        res.headers['retry-after'],
      )
    }
    return res.json()
  }
}

class OllamaEmbedder extends BatchingEmbedder {
  constructor(opts: HttpEmbedderOptions) {
    super(opts, 'ollama')
  }

  protected async embedBatch(texts: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const timeout = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const client = new Ollama({
      host: this.root,
      fetch: this.opts.http.fetchWith({
        timeoutMs: timeout,
        responseTimeoutMs: timeout,
        idleTimeoutMs: timeout,
        label: this.label,
        headers: authHeaders(this.opts.token),
        ...(signal ? { signal } : {}),
      }),
    })
    try {
      const res = await client.embed({ model: this.opts.model, input: texts })
      if (!Array.isArray(res.embeddings)) throw malformed(this.label, 'no embeddings array')
      return res.embeddings.map((e) => toVector(e, this.label))
    } catch (err) {
      if (err instanceof Error && err.name === 'ResponseError') {
        const status = (err as Error & { status_code?: number }).status_code ?? 0
        throw statusError(status, JSON.stringify({ error: err.message }), {
          label: this.label,
          model: this.opts.model,
          missingModelHint: `run \`ollama pull ${this.opts.model}\``,
        })
      }
      throw err
    }
  }
}

interface KserveTensor {
  name?: string
  datatype?: string
  shape?: number[]
  data?: unknown
}

class TritonEmbedder extends BatchingEmbedder {
  constructor(opts: HttpEmbedderOptions) {
    super(opts, 'triton')
  }

  protected async embedBatch(texts: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const url = `${this.root}/v2/models/${encodeURIComponent(this.opts.model)}/infer`
    const body = {
      inputs: [
        { name: this.opts.tritonInput ?? 'text', shape: [texts.length, 1], datatype: 'BYTES', data: texts },
      ],
      ...(this.opts.tritonOutput ? { outputs: [{ name: this.opts.tritonOutput }] } : {}),
    }
    const raw = (await this.postJson(url, body, signal)) as { outputs?: KserveTensor[]; error?: unknown }
    if (raw.error !== undefined) throw malformed(this.label, JSON.stringify(raw.error))
    const outputs = raw.outputs
    if (!Array.isArray(outputs)) throw malformed(this.label, 'no outputs')
    const out = this.opts.tritonOutput
      ? outputs.find((o) => o.name === this.opts.tritonOutput)
      : outputs.find((o) => o.datatype === 'FP32')
    if (!out) throw malformed(this.label, `no ${this.opts.tritonOutput ?? 'FP32'} output tensor`)
    if (out.datatype !== undefined && out.datatype !== 'FP32') {
      throw malformed(this.label, `output ${out.name ?? ''} is ${out.datatype}, expected FP32`)
    }
    const flat = flatten(out.data, this.label)
    const shape = out.shape ?? []
    const rows = shape[0] ?? texts.length
    if (rows !== texts.length)
      throw malformed(this.label, `output has ${rows} rows for ${texts.length} texts`)
    const dim = shape.length >= 2 ? shape.slice(1).reduce((a, b) => a * b, 1) : flat.length / rows
    if (!Number.isInteger(dim) || dim <= 0 || dim * rows !== flat.length) {
      throw malformed(this.label, `output shape [${shape.join(',')}] does not match ${flat.length} values`)
    }
    const vectors: Float32Array[] = []
    for (let r = 0; r < rows; r++) vectors.push(flat.subarray(r * dim, (r + 1) * dim))
    return vectors
  }
}

class OpenAiEmbedder extends BatchingEmbedder {
  private readonly url: string

  constructor(opts: HttpEmbedderOptions) {
    super(opts, 'openai-compatible')
    this.url = this.root.endsWith('/v1') ? `${this.root}/embeddings` : `${this.root}/v1/embeddings`
  }

  protected async embedBatch(texts: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const raw = (await this.postJson(
      this.url,
      { model: this.opts.model, input: texts, encoding_format: 'float' },
      signal,
    )) as { data?: { embedding?: unknown; index?: number }[] }
    if (!Array.isArray(raw.data)) throw malformed(this.label, 'no data array')
    const sorted = [...raw.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    return sorted.map((d) => toVector(d.embedding, this.label))
  }
}

function toVector(v: unknown, label: string): Float32Array {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number')) {
    throw malformed(label, 'embedding is not a non-empty array of numbers')
  }
  return Float32Array.from(v)
}

function flatten(data: unknown, label: string): Float32Array {
  if (!Array.isArray(data)) throw malformed(label, 'output data is not an array')
  const flat = (data as unknown[]).flat(Infinity)
  if (!flat.every((x) => typeof x === 'number')) throw malformed(label, 'output data has non-numbers')
  return Float32Array.from(flat)
}
