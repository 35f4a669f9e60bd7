import type { EmbedderSource } from '../inference/embedderSource'
import type { ModelRouter } from './modelRouter'

/** The index's embedder follows the embedding task's route: fallback, recovery and profile switches. */
export function routedEmbedderSource(router: ModelRouter): EmbedderSource {
  return {
    current: () => router.tierEmbedder() ?? null,
    // Status events carry every route change (tier, model, profile); the index debounces them.
    onChange: (listener) => router.onStatus(() => listener()),
  }
}
