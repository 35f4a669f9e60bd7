import { familyForModel, type FimFamily } from './fimTemplates'
import type {
  CompletionProvider,
  FimEvent,
  FimPrompt,
  GenerateOptions,
  ProviderKind,
  ProviderState,
} from './fimTypes'

/** What a request tells the route before its prompt exists: enough for the size and latency rule. */
export interface PlanRequest {
  /** The prefix and suffix after the prompt budget (what the cache key uses). */
  prefix: string
  suffix: string
  /** The caller's deadline (ms): a model whose recent p95 exceeds it would answer too late. */
  latencyBudgetMs?: number
}

/** Which model answered a stream: the plan's own, or another after a fallover (see RoutePlan). */
export interface ServedBy {
  model: string
  family: FimFamily
  kind: ProviderKind
}

/**
 * Where one completion request goes, decided once: the cache key, the prompt's template and the
 * stream all use this model and family, so text is never cached under a model that did not
 * write it.
 */
export interface RoutePlan {
  readonly model: string
  readonly family: FimFamily
  readonly kind: ProviderKind
  /** Human-readable endpoint (URL or file), for the status bar. */
  readonly endpoint: string
  /** Why the size or latency rule changed the model, if it did. */
  readonly why?: string
  /**
   * Streams a prompt rendered for `family`. The endpoint is chosen when the stream starts (a
   * plan takes no balancing turn, and a cache hit never counts as in flight), and each attempt's
   * outcome is reported to the router. A failure before anything reached a server (refused, DNS,
   * policy) moves to the next backend at once, and a server's "no such model" to the tier's own
   * model where the size rule had picked another; the prompt is re-rendered if the family
   * differs, and `servedBy` names the model that wrote the text.
   */
  stream(prompt: FimPrompt, opts: GenerateOptions): AsyncIterable<FimEvent>
  /** After (or during) a stream: the model whose text it is. */
  readonly servedBy: ServedBy
}

/** Where completion requests go: planned once per request, observed for the status bar. */
export interface CompletionRoute {
  /** Throws a HearthError (reason `no_backend`) naming why when nothing can serve the request. */
  plan(request: PlanRequest): RoutePlan
  /** Where a request would go now (status bar); never advances balancing. */
  readonly kind: ProviderKind
  readonly model: string
  readonly endpoint: string
  state(): ProviderState
}

/**
 * One provider as a route (unit tests, benchmarks that measure a provider alone): every plan
 * is that provider with its model's template family.
 */
export function singleProviderRoute(provider: CompletionProvider): CompletionRoute {
  return {
    plan: () => {
      const family = familyForModel(provider.model)
      const servedBy = { model: provider.model, family, kind: provider.kind }
      return {
        model: provider.model,
        family,
        kind: provider.kind,
        endpoint: provider.endpoint,
        servedBy,
        stream: (prompt, opts) => provider.stream(prompt, opts),
      }
    },
    get kind() {
      return provider.kind
    },
    get model() {
      return provider.model
    },
    get endpoint() {
      return provider.endpoint
    },
    state: () => provider.state(),
  }
}
