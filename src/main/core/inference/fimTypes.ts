import type { Disposable } from '../base/lifecycle'
/**
 * What a completion provider is asked for and what it reports back. Plain data, so a router,
 * a circuit breaker or a metrics wrapper can sit between the completion service and a provider
 * by implementing the same CompletionProvider interface.
 */

/** A piece of repository context (a definition, recently edited code) placed before the prefix. */
export interface Snippet {
  /** Workspace-relative, `/`-separated. */
  path: string
  text: string
  kind?: 'definition' | 'recent' | 'similar'
  startLine?: number
}

/** One piece of a rendered prompt; `special` pieces are the family's FIM control tokens. */
export interface PromptPart {
  text: string
  special: boolean
}

export interface FimPrompt {
  /** Prefix after the token budget (what the cache key uses). */
  prefix: string
  suffix: string
  snippets: readonly Snippet[]
  path?: string
  language?: string
  /** Template family chosen from the model name, e.g. 'qwen', 'starcoder'. */
  family: string
  /**
   * Snippets rendered as comments, then the prefix: for servers that apply the model's FIM
   * template themselves from prompt + suffix (Ollama /api/generate, /v1/completions with suffix).
   * Snippets come first so the server's prompt cache can reuse them across keystrokes.
   */
  prefixWithContext: string
  /** The complete prompt in the family's FIM template (raw-prompt servers, non-infill GGUFs). */
  parts: readonly PromptPart[]
  /** The family's stop strings. */
  stop: readonly string[]
}

export interface GenerateOptions {
  maxTokens: number
  temperature: number
  /** Family stop strings plus request-specific ones (e.g. "\n" for a single-line completion). */
  stop: readonly string[]
  /** Context window to ask for (Ollama num_ctx); providers that cannot set it ignore it. */
  numCtx?: number
  signal: AbortSignal
  /** The whole generation must end within this (ms); past it the stream fails with 'timeout'. */
  timeoutMs: number
  /** Longest wait for the response to start (model load included). */
  firstByteMs?: number
  /** Longest silence between two chunks once streaming (a stalled server). */
  stallMs?: number
}

export interface FimTiming {
  /** Request start → first text chunk; null when nothing was generated. */
  ttftMs: number | null
  totalMs: number
  /** Generated tokens (the server's count when it reports one, else chunks seen). */
  tokens: number
  promptTokens?: number
}

export type StopReason = 'stop' | 'length' | 'abort' | 'unknown'

export type FimEvent =
  { type: 'text'; text: string } | { type: 'done'; timing: FimTiming; stopReason: StopReason }

export type ProviderKind = 'ollama' | 'openai' | 'llamacpp' | 'triton' | 'embedded'

export type ProviderPhase = 'idle' | 'loading' | 'ready' | 'generating' | 'error'

export interface ProviderState {
  phase: ProviderPhase
  /** Last failure, human-readable, with its HearthError code and reason. */
  error?: { code: string; message: string; reason?: string }
}

/**
 * Streams a fill-in-the-middle completion. Contract for implementations:
 * - yields `text` events as they arrive, then exactly one `done` event;
 * - aborting `opts.signal` ends the stream promptly with HearthError('cancelled') and releases
 *   the connection / engine sequence;
 * - every failure is a HearthError whose `details.reason` names it (model_missing,
 *   server_error, no_response, stalled, deadline, refused, unauthorized…), and the stream ends
 *   by `opts.timeoutMs` whatever the server does.
 */
export interface CompletionProvider extends Disposable {
  readonly kind: ProviderKind
  /** Stable identity for routers, breakers and stats: `kind:model@endpoint`. */
  readonly id: string
  readonly model: string
  /** Human-readable endpoint (URL or file), for the status bar. */
  readonly endpoint: string
  stream(prompt: FimPrompt, opts: GenerateOptions): AsyncIterable<FimEvent>
  state(): ProviderState
  dispose(): Promise<void>
}

/** Drains a provider stream into text + timing (CLI, benchmarks, tests). */
export async function collect(
  events: AsyncIterable<FimEvent>,
  onText?: (text: string) => void,
): Promise<{ text: string; timing: FimTiming; stopReason: StopReason }> {
  let text = ''
  for await (const e of events) {
    if (e.type === 'text') {
      text += e.text
      onText?.(e.text)
    } else {
      return { text, timing: e.timing, stopReason: e.stopReason }
    }
  }
  throw new Error('provider stream ended without a done event')
}
