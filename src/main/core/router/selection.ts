import type { EndpointConfig, Profile, Task } from '@shared/settings/schema'
import type { Classified } from '../health/classifyFailure'
import type { ChatProvider } from '../inference/chat/chatTypes'
import type { Embedder } from '../inference/embedder'
import type { CompletionProvider } from '../inference/fimTypes'
import type { RuleHints } from './sizeRule'

/** An endpoint as the resource monitor knows it (GPU load lookups). */
export interface EndpointRef {
  id: string
  kind: EndpointConfig['kind']
  url: string | undefined
}

/** Where one request goes. */
export interface Selection {
  task: Task
  /** Index in the task's chain; > 0 is a fallback. */
  tier: number
  endpointId: string
  endpoint: EndpointConfig
  model: string
  /** Why the size/latency rule changed the model, if it did. */
  why?: string
}

/** One request in flight against one endpoint: report how it ended exactly once. */
export interface Ticket {
  success(latencyMs?: number): void
  failure(err: unknown): Classified
  /** Ended without a verdict (consumer stopped early with text, or cancelled). */
  end(): void
}

/**
 * What the routed completion and embedding objects need from the router: choose, build, report.
 * They hold this port, not the ModelRouter class, so the router can own them without a circle.
 */
export interface RouteSelector {
  readonly profile: Profile
  select(task: Task, hints?: RuleHints, exclude?: ReadonlySet<string>): Selection
  selectInTier(
    task: Task,
    tier: number,
    hints?: RuleHints,
    exclude?: ReadonlySet<string>,
    reasons?: string[],
  ): Selection | undefined
  /** select() without advancing balancing turns. */
  peek(task: Task, hints?: RuleHints): Selection
  providerFor(sel: Selection): CompletionProvider
  embedderFor(sel: Selection): Embedder
  chatProviderFor(sel: Selection): ChatProvider
  begin(sel: Selection): Ticket
  peekBreaker(endpointId: string): 'closed' | 'open' | 'half_open' | undefined
  /** Removes known tokens from text that may have come from a server. */
  redact(text: string): string
}
