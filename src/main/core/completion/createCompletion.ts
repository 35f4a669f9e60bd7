import { join } from 'node:path'
import { createFimProvider, fimConfigFrom, type FimProviderConfig } from '../inference/createFimProvider'
import type { CompletionProvider } from '../inference/fimTypes'
import type { CompletionLatencyRecorder } from '../metrics/hearthMetrics'
import { HttpClient } from '../net/httpClient'
import { CompletionCache } from './completionCache'
import {
  CompletionService,
  type CompletionEventSink,
  type CompletionServiceOptions,
} from './completionService'

export interface CompletionCoreOptions {
  /** A ready provider (the router's, a test's). Wins over `fim`. */
  provider?: CompletionProvider
  /** Provider from a config; default from the HEARTH_FIM_* environment (see fimConfigFrom). */
  fim?: FimProviderConfig
  /** Shared HTTP client (policy, keep-alive); one is made when absent. */
  http?: HttpClient
  /** Service tuning (timeouts, debounce ceiling, prompt budget…). */
  service?: Partial<Omit<CompletionServiceOptions, 'provider' | 'cache' | 'events' | 'metrics'>>
  /** Persistent cache on/off (default on, in dataDir/completion-cache.jsonl). */
  persistentCache?: boolean
}

/**
 * Builds the completion service for the core: provider (given, configured, or from the
 * environment), the two-layer cache in the data directory, events and metrics. The service
 * disposes what it created here (provider, HTTP client) on dispose.
 */
export function createCompletion(
  dataDir: string,
  events: CompletionEventSink,
  metrics: CompletionLatencyRecorder | undefined,
  o: CompletionCoreOptions = {},
): CompletionService {
  const ownsHttp = !o.http && !o.provider
  const http = o.http ?? new HttpClient()
  const provider = o.provider ?? createFimProvider(o.fim ?? fimConfigFrom({}), http)
  const cache = new CompletionCache(
    o.persistentCache === false ? {} : { file: join(dataDir, 'completion-cache.jsonl') },
  )
  const svc = new CompletionService({
    ...o.service,
    provider,
    cache,
    events,
    ...(metrics ? { metrics } : {}),
  })
  const dispose = svc.dispose.bind(svc)
  svc.dispose = async () => {
    await dispose()
    if (!o.provider) await provider.dispose()
    if (ownsHttp) http.dispose()
  }
  return svc
}
