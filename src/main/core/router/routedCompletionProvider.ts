import { HearthError, failureReason } from '@shared/errors'
import type { Task } from '@shared/settings/schema'
import type { CompletionRoute, PlanRequest, RoutePlan, ServedBy } from '../inference/completionRoute'
import { familyForModel } from '../inference/fimTemplates'
import type {
  CompletionProvider,
  FimEvent,
  FimPrompt,
  GenerateOptions,
  ProviderKind,
  ProviderState,
} from '../inference/fimTypes'
import { fallover, NOTHING_SENT, tierModel, told } from './fallover'
import { restop } from './rerenderPrompt'
import type { RouteSelector, Selection } from './selection'
import { promptComplexity, type RuleHints } from './sizeRule'

/** Renders a FIM prompt again for another model (its family's template and stop strings). */
export type PromptRenderer = (prompt: FimPrompt, model: string) => FimPrompt

/**
 * The completion task's route: `plan()` decides once per request where it goes (size rule,
 * latency budget, fallback chain, balancing) and its outcome feeds the router's health and
 * stats. `kind`/`model`/`endpoint` describe where the next request would go, for the status
 * bar. As a CompletionProvider (`stream`) it plans from the prompt itself: for callers that
 * hold a rendered prompt and no cache (the router's own tests and benchmark).
 */
export class RoutedCompletionProvider implements CompletionProvider, CompletionRoute {
  constructor(
    private readonly router: RouteSelector,
    private readonly task: Task,
    private readonly render: PromptRenderer,
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

  plan(request: PlanRequest): RoutePlan {
    return this.planWith({
      complexity: promptComplexity(request.prefix) + request.suffix.length,
      ...(request.latencyBudgetMs !== undefined ? { latencyBudgetMs: request.latencyBudgetMs } : {}),
    })
  }

  stream(prompt: FimPrompt, o: GenerateOptions): AsyncIterable<FimEvent> {
    const plan = this.planWith({
      complexity: promptComplexity(prompt.prefixWithContext) + prompt.suffix.length,
      latencyBudgetMs: o.timeoutMs,
    })
    // The prompt was rendered before the plan: render it for the planned model where its family
    // differs, with that family's stop strings.
    const p = this.render(prompt, plan.model)
    return plan.stream(p, { ...o, stop: restop(o.stop, prompt, p) })
  }

  private planWith(hints: RuleHints): RoutePlan {
    const router = this.router
    const task = this.task
    const render = this.render
    // Planning takes no balancing turn: a cache hit, a typed-ahead answer or a join sends nothing.
    const planned = router.peek(task, hints)
    const plannedProvider = router.providerFor(planned)
    const describe = (sel: Selection, p: CompletionProvider): ServedBy => ({
      model: sel.model,
      family: familyForModel(sel.model),
      kind: p.kind,
    })
    let servedBy = describe(planned, plannedProvider)
    const routeTimeout = router.profile.tasks[task].timeoutMs
    return {
      model: planned.model,
      family: servedBy.family,
      kind: plannedProvider.kind,
      endpoint: plannedProvider.endpoint,
      ...(planned.why !== undefined ? { why: planned.why } : {}),
      get servedBy() {
        return servedBy
      },
      async *stream(prompt: FimPrompt, o: GenerateOptions): AsyncGenerator<FimEvent> {
        const tried = new Set<string>()
        const failures: HearthError[] = []
        // Chosen when the stream starts, not when it was planned: a debounce later the endpoint
        // may have been edited, its token changed or its breaker opened.
        let sel = router.select(task, hints)
        for (;;) {
          if (o.signal.aborted)
            throw new HearthError('cancelled', 'completion cancelled', { reason: 'cancelled' })
          const provider = router.providerFor(sel)
          servedBy = describe(sel, provider)
          const p = sel.model === planned.model ? prompt : render(prompt, sel.model)
          const ticket = router.begin(sel)
          let yielded = false
          try {
            const opts = {
              ...o,
              stop: restop(o.stop, prompt, p),
              timeoutMs: Math.min(o.timeoutMs, routeTimeout),
            }
            for await (const ev of provider.stream(p, opts)) {
              if (ev.type === 'text') yielded = true
              else ticket.success(ev.timing.totalMs)
              yield ev
            }
            return
          } catch (err) {
            ticket.failure(err)
            const reason = failureReason(err)
            let next: Selection | undefined
            if (!yielded && !o.signal.aborted && reason !== undefined) {
              if (NOTHING_SENT.has(reason)) next = fallover(router, task, hints, tried.add(sel.endpointId))
              else if (reason === 'model_missing') next = tierModel(router, task, sel, hints)
            }
            const failure = err instanceof HearthError ? err : undefined
            if (next) {
              if (failure) failures.push(failure)
              sel = next
              continue
            }
            throw told(router, failures, err)
          } finally {
            // The consumer stopped early (it had enough text) or the call was cancelled: no verdict.
            ticket.end()
          }
        }
      },
    }
  }

  async dispose(): Promise<void> {
    // Providers belong to the router.
  }
}
