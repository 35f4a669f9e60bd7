import type { Embedder } from './embedder'

/**
 * Where the app's index gets its embedder: the model router's embedding task, which moves
 * between tiers (Triton → Ollama → embedded) as backends go and come back, and between profiles.
 * Each embedder `current()` returns must keep its `id` for life: the index stores vectors under it.
 */
export interface EmbedderSource {
  /** The embedder to use now; null when nothing can embed (the index keeps what it has). */
  current(): Embedder | null
  /** Called when `current()` may return another embedder. Returns the unsubscribe. */
  onChange(listener: () => void): () => void
}
