import { join } from 'node:path'
import type { CompletionRoute } from '../inference/completionRoute'
import type { CompletionLatencyRecorder } from '../metrics/hearthMetrics'
import { CompletionCache } from './completionCache'
import {
  CompletionService,
  type CompletionEventSink,
  type CompletionServiceOptions,
} from './completionService'

export interface CompletionCoreOptions {
  /** Service tuning (timeouts, debounce ceiling, prompt budget…). */
  service?: Partial<Omit<CompletionServiceOptions, 'route' | 'provider' | 'cache' | 'events' | 'metrics'>>
  /** Persistent cache on/off (default on, in dataDir/completion-cache.jsonl). */
  persistentCache?: boolean
}

/**
 * Builds the completion service for the core: the router's completion route, the two-layer
 * cache in the data directory, events and metrics. The route and its providers belong to the
 * router; the service owns only its cache.
 */
export function createCompletion(
  dataDir: string,
  route: CompletionRoute,
  events: CompletionEventSink,
  metrics: CompletionLatencyRecorder | undefined,
  o: CompletionCoreOptions = {},
): CompletionService {
  const cache = new CompletionCache(
    o.persistentCache === false ? {} : { file: join(dataDir, 'completion-cache.jsonl') },
  )
  return new CompletionService({ ...o.service, route, cache, events, ...(metrics ? { metrics } : {}) })
}
