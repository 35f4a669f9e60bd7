/**
 * Text → vector. Implemented by the embedded default (no server) and by the HTTP providers
 * (Ollama /api/embed, Triton KServe v2 infer, OpenAI-compatible /v1/embeddings).
 */
export interface Embedder {
  /** `provider:model`; part of the embedding cache key, so a model change re-embeds. */
  readonly id: string
  /** Vector length; null until known (remote models report it on first use). */
  readonly dimensions: number | null
  /** Largest batch the backend accepts in one request. */
  readonly maxBatch: number
  /** One vector per input text, same order. Rejects with a HearthError ('unavailable', 'timeout', …). */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>
}
