import { HearthError } from '@shared/errors'
import type { Task } from '@shared/settings/schema'
import type {
  CompletionProvider,
  FimEvent,
  FimPrompt,
  GenerateOptions,
  ProviderKind,
  ProviderState,
} from '../inference/fimTypes'
import { failureReason } from '../net/httpClient'
import type { ModelRouter, Selection } from './modelRouter'
import { restop } from './rerenderPrompt'
import { promptComplexity } from './sizeRule'

/** Renders a FIM prompt again for another model (its family's template and stop strings). */
export type PromptRenderer = (prompt: FimPrompt, model: string) => FimPrompt

/**
 * Failures that mean nothing reached a server (no socket, or the policy refused one): moving to
 * the next backend at once costs nothing and cannot duplicate work. Anything later — a timeout,
 * a stall, an error after text — is never retried: a late completion is worse than none.
 */
const NOTHING_SENT: ReadonlySet<string> = new Set(['refused', 'dns', 'policy'])

/**
 * The completion service's provider: each request goes where the router says now (size rule,
 * latency budget, fallback chain, balancing), and its outcome feeds the router's health and
 * stats. `id`/`model`/`kind` describe where the next request would go, so cache keys and the
 * status bar follow a fallback.
 */
export class RoutedCompletionProvider implements CompletionProvider {
  constructor(
    private readonly router: ModelRouter,
    private readonly task: Task,
    private readonly render?: PromptRenderer,
  ) {}

  private current(): { sel: Selection; provider: CompletionProvider } | undefined {
    try {
      const sel = this.router.peek(this.task)
      return { sel, provider: this.router.providerFor(sel) }
    } catch {
      return undefined
    }
  }

  get kind(): ProviderKind {
    return this.current()?.provider.kind ?? 'ollama'
  }

  get id(): string {
    return this.current()?.provider.id ?? `router:${this.task}:none`
  }

  get model(): string {
    return this.current()?.sel.model ?? ''
  }

  get endpoint(): string {
    return this.current()?.provider.endpoint ?? ''
  }

  state(): ProviderState {
    const c = this.current()
    if (c) {
      const st = c.provider.state()
      return st.error ? { ...st, error: { ...st.error, message: this.router.redact(st.error.message) } } : st
    }
    try {
      this.router.peek(this.task)
    } catch (err) {
      const e = err instanceof HearthError ? err : new HearthError('unavailable', String(err))
      return { phase: 'error', error: { code: e.code, message: e.message, reason: 'no_backend' } }
    }
    return { phase: 'idle' }
  }

  async *stream(prompt: FimPrompt, o: GenerateOptions): AsyncGenerator<FimEvent> {
    const hints = {
      complexity: promptComplexity(prompt.prefixWithContext) + prompt.suffix.length,
      latencyBudgetMs: o.timeoutMs,
    }
    const routeTimeout = this.router.profile.tasks[this.task].timeoutMs
    const tried = new Set<string>()
    for (;;) {
      if (o.signal.aborted)
        throw new HearthError('cancelled', 'completion cancelled', { reason: 'cancelled' })
      const sel = this.router.select(this.task, hints, tried)
      const provider = this.router.providerFor(sel)
      // The prompt was rendered for the model the service saw; the renderer re-renders only when the family differs.
      const p = this.render ? this.render(prompt, sel.model) : prompt
      const ticket = this.router.begin(sel)
      let yielded = false
      try {
        const opts = { ...o, stop: restop(o.stop, prompt, p), timeoutMs: Math.min(o.timeoutMs, routeTimeout) }
        for await (const ev of provider.stream(p, opts)) {
          if (ev.type === 'text') yielded = true
          else ticket.success(ev.timing.totalMs)
          yield ev
        }
        return
      } catch (err) {
        ticket.failure(err)
        const reason = failureReason(err)
        if (!yielded && reason !== undefined && NOTHING_SENT.has(reason) && !o.signal.aborted) {
          tried.add(sel.endpointId)
          continue
        }
        // A server may echo our Authorization header in its error text: never pass a token on.
        if (err instanceof HearthError) {
          const message = this.router.redact(err.message)
          throw message === err.message ? err : new HearthError(err.code, message, err.details)
        }
        throw err
      } finally {
        // The consumer stopped early (it had enough text) or the call was cancelled: no verdict.
        ticket.end()
      }
    }
  }

  async dispose(): Promise<void> {
    // Providers belong to the router.
  }
}
