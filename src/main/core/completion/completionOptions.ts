import type { Clock } from '../base/clock'
import type { CompletionRoute } from '../inference/completionRoute'
import type { ContextSource } from '../inference/contextSource'
import type { FimFamily } from '../inference/fimTemplates'
import type { CompletionProvider } from '../inference/fimTypes'
import type { CompletionLatencyRecorder } from '../metrics/hearthMetrics'
import type { Budgets } from '../resources/budgets'
import type { CompletionCache } from './completionCache'
import type { CompletionEventSink } from './completionStatus'
import type { PromptBudget } from './promptBudget'

export interface CompletionServiceOptions {
  /** Where requests go: the router's completion route (the app), planned once per request. */
  route?: CompletionRoute
  /** One provider and no router (unit tests, benchmarks of a provider alone). */
  provider?: CompletionProvider
  /** Defaults to a memory-only cache. */
  cache?: CompletionCache
  /** Repository context (the index implements one); recent edits are always added first. */
  contextSources?: ContextSource[]
  events?: CompletionEventSink
  metrics?: CompletionLatencyRecorder
  budgets?: Budgets
  promptBudget?: Partial<PromptBudget>
  /** Template family override; by default the plan's (from its model name). */
  family?: FimFamily
  temperature?: number
  /** Whole generation deadline (ms). Default 8000. */
  timeoutMs?: number
  /** Response must start within this (model load included). Default 6000. */
  firstByteMs?: number
  /** Longest silence mid-stream. Default 2000. */
  stallMs?: number
  /** Each context source's time box (ms). Default 40. */
  contextTimeoutMs?: number
  /** Multi-line completions stop after this many lines. Default 12. */
  maxLines?: number
  /** 'skip' (default): no automatic request with the cursor inside a word. */
  midWord?: 'skip' | 'allow'
  /** Ceiling of the adaptive debounce (ms). Default 250. */
  maxDebounceMs?: number
  /** Ollama num_ctx. Default 4096. */
  numCtx?: number
  /** Time for the typing rhythm and the debounce (tests step a ManualClock). Default: the system's. */
  clock?: Clock
  /**
   * The user's index.includeSecretFiles, read at each request: whether snippets and recent edits of
   * secret-looking files (`.env`, private keys…) may go into other files' prompts. Default: no.
   */
  includeSecretFiles?: () => boolean
}
