import type {
  CompletionCounts,
  CompletionFeedback,
  CompletionRequest,
  CompletionResult,
  CompletionStatus,
} from '@shared/contract/completion'
import { HearthError } from '@shared/errors'
import { systemClock, type Clock } from '../base/clock'
import { singleProviderRoute, type CompletionRoute, type RoutePlan } from '../inference/completionRoute'
import type { ContextSource } from '../inference/contextSource'
import type { FimFamily } from '../inference/fimTemplates'
import type { GenerateOptions, Snippet } from '../inference/fimTypes'
import { FULL_SPEED, type BudgetConsumer, type Budgets } from '../resources/budgets'
import type { CompletionPrefetchTarget, NextCompletionContext } from '../resources/prefetchTargets'
import { CompletionCache } from './completionCache'
import { CompletionStatusReporter } from './completionStatus'
import {
  abortGeneration,
  continues,
  EditorTable,
  emitPartials,
  newGeneration,
  midWord,
  releaser,
  remember,
  typedAhead,
  type EditorState,
  type Generation,
} from './editorState'
import { gatherSnippets } from './gatherSnippets'
import { decideMode, type CompletionMode } from './postprocess'
import { postContext, produce } from './produce'
import { buildPrompt, DEFAULT_PROMPT_BUDGET, pruneForBudget, type PromptBudget } from './promptBudget'
import { PrefetchSlot } from './prefetchSlot'
import { RecentEditsSource } from './recentEditsSource'
import { cancelled, debounceFor, noteKeystroke, waitDebounce } from './typingRhythm'
import { templateFor } from '../inference/fimTemplates'
import type { Disposable } from '../base/lifecycle'

export type { CompletionEventSink } from './completionStatus'
export { midWord } from './editorState'

import type { CompletionServiceOptions } from './completionOptions'

export type { CompletionServiceOptions } from './completionOptions'

/** A request's plan, and what its answers are keyed and post-processed by. */
interface Planned {
  plan: RoutePlan
  family: FimFamily
  key: string
  mode: CompletionMode
  pruned: { prefix: string; suffix: string }
}

/**
 * Inline FIM completions for every editor. Order of work for a request, cheapest first:
 * 1. stale/mid-word checks; 2. one route plan (model and template family), then the cache (exact
 *    key) and typed-ahead reuse of a recent completion — answered synchronously; 3. a running
 *    stream the new position continues — joined, not restarted; 4. otherwise the old request is
 *    aborted at once, the adaptive debounce runs while context is gathered, and the plan streams
 *    (partials as events).
 *
 * Debounce lives here, in the core, not in the renderer: the cache lookup must come before it
 * (so a hit costs one round trip, no timer), the resource policy sets its floor through
 * setBudgets, the core sees every request's arrival time per editor (the typing rhythm), and
 * the CLI/benchmarks exercise the same path without a renderer.
 */
export class CompletionService implements Disposable, BudgetConsumer, CompletionPrefetchTarget {
  private readonly route: CompletionRoute
  readonly cache: CompletionCache
  private readonly recentEdits: RecentEditsSource
  private readonly sources: ContextSource[]
  private readonly editors = new EditorTable()
  private budgets: Budgets
  private readonly promptBudget: PromptBudget
  private readonly reporter: CompletionStatusReporter
  private readonly prefetch = new PrefetchSlot()
  private disposed = false
  private readonly clock: Clock

  constructor(private readonly opts: CompletionServiceOptions) {
    this.clock = opts.clock ?? systemClock
    const route = opts.route ?? (opts.provider ? singleProviderRoute(opts.provider) : undefined)
    if (!route) throw new HearthError('invalid_argument', 'CompletionService needs a route or a provider')
    this.route = route
    this.cache = opts.cache ?? new CompletionCache()
    this.recentEdits = new RecentEditsSource(
      opts.includeSecretFiles ? { includeSecretFiles: opts.includeSecretFiles } : {},
    )
    this.sources = [this.recentEdits, ...(opts.contextSources ?? [])]
    this.budgets = opts.budgets ?? FULL_SPEED
    this.promptBudget = { ...DEFAULT_PROMPT_BUDGET, ...opts.promptBudget }
    this.reporter = new CompletionStatusReporter(() => this.route, opts.events)
    void this.cache.load()
  }

  setBudgets(budgets: Budgets): void {
    this.budgets = budgets
  }

  /** Adds a context source (the index, once it is open). Returns a remover. */
  addContextSource(source: ContextSource): () => void {
    this.sources.push(source)
    return () => {
      const i = this.sources.indexOf(source)
      if (i >= 0) this.sources.splice(i, 1)
    }
  }

  request(r: CompletionRequest, signal: AbortSignal): CompletionResult | Promise<CompletionResult> {
    const t0 = performance.now()
    if (this.disposed) throw new HearthError('unavailable', 'completion service is shut down')
    const ed = this.editors.get(r.editorId)
    if (r.requestId < ed.latest)
      throw new HearthError('cancelled', 'stale completion request (a newer one exists)')
    noteKeystroke(ed, this.clock.now())
    ed.latest = r.requestId
    ed.wake?.()
    this.reporter.counts.requests++
    this.recentEdits.record(r.path, r.prefix, r.suffix)

    const mode = decideMode(r.prefix, r.suffix)
    const answer = (
      p: { kind: CompletionResult['provider']; model: string },
      text: string,
      source: CompletionResult['source'],
      reason?: string,
    ): CompletionResult => {
      const ms = performance.now() - t0
      const cached = source === 'cache' || source === 'typed-ahead' || source === 'stream-reuse'
      if (cached) this.reporter.counts.cacheHits++
      this.opts.metrics?.observeCompletion(ms, { provider: p.kind, cache: cached ? 'hit' : 'miss' })
      if (text) {
        const { requestId, path, language, prefix, suffix } = r
        ed.answered = [{ requestId, path, language, prefix, suffix, text }, ...(ed.answered ?? [])].slice(
          0,
          4,
        )
      }
      const base = { requestId: r.requestId, provider: p.kind, model: p.model, mode }
      return { ...base, text, cached, source, ms, ...(reason ? { reason } : {}) }
    }

    if (
      r.trigger === 'automatic' &&
      (this.opts.midWord ?? 'skip') === 'skip' &&
      midWord(r.prefix, r.suffix)
    ) {
      abortGeneration(ed)
      return answer(this.route, '', 'skipped', 'mid-word')
    }

    const planned = this.plan(r.prefix, r.suffix, mode)
    const { plan, key } = planned
    const hit = this.cache.get(key)
    if (hit !== undefined) {
      abortGeneration(ed)
      remember(ed, r, hit, plan.model)
      return answer(plan, hit, 'cache')
    }
    const ahead = typedAhead(ed, r, plan.model)
    if (ahead !== undefined) {
      abortGeneration(ed)
      this.cache.set(key, ahead)
      return answer(plan, ahead, 'typed-ahead')
    }

    const gen = ed.gen
    const typed = gen ? continues(gen, r) : undefined
    if (gen && typed !== undefined) {
      return this.join(ed, gen, r, typed, signal).then((text) => {
        if (text !== undefined) return answer(plan, text, 'stream-reuse')
        return this.generate(ed, r, signal, planned, false).then((t) => answer(plan.servedBy, t, 'provider'))
      })
    }
    abortGeneration(ed)
    return this.generate(ed, r, signal, planned, r.trigger === 'automatic').then((t) =>
      answer(plan.servedBy, t, 'provider'),
    )
  }

  feedback(f: CompletionFeedback): CompletionCounts {
    return this.reporter.feedback(f)
  }

  status(): CompletionStatus {
    return this.reporter.status()
  }

  /**
   * The document as it reads once the suggestion answered to `requestId` is accepted, with the
   * cursor after it: what the prefetcher needs to ask for the next completion speculatively.
   * The text is the request's window (prefix tail + suggestion + suffix head), not the whole file.
   */
  acceptedContext(editorId: string, requestId: number): NextCompletionContext | undefined {
    const a = this.editors.find(editorId)?.answered?.find((x) => x.requestId === requestId)
    if (!a) return undefined
    return {
      path: a.path,
      text: a.prefix + a.text + a.suffix,
      offset: a.prefix.length + a.text.length,
      languageId: a.language,
    }
  }

  /** Prefetcher: computes and caches the completion at `ctx.offset` (after an accepted suggestion). */
  async nextCompletion(ctx: NextCompletionContext, signal: AbortSignal): Promise<void> {
    const prefix = ctx.text.slice(Math.max(0, ctx.offset - 32_000), ctx.offset)
    const suffix = ctx.text.slice(ctx.offset, ctx.offset + 8_000)
    const p = this.plan(prefix, suffix, decideMode(prefix, suffix))
    if (this.cache.get(p.key) !== undefined) return
    await this.prefetch.run(signal, async (s) => {
      const { text } = await this.stream(
        p,
        { path: ctx.path, language: ctx.languageId ?? '' },
        s,
        () => undefined,
      )
      this.cacheAnswer(p, text)
    })
  }

  /** Prefetcher: a one-token request over the file's last known context, so the server caches its prompt. */
  async warm(path: string, signal: AbortSignal): Promise<void> {
    const known = [...this.editors.all()].flatMap((e) => e.recent).find((m) => m.path === path)
    if (!known) return
    await this.prefetch.run(signal, async (s) => {
      const plan = this.route.plan({ prefix: known.prefixTail, suffix: known.suffix })
      const prompt = buildPrompt(
        templateFor(this.opts.family ?? plan.family),
        { prefix: known.prefixTail, suffix: known.suffix, snippets: [] },
        this.promptBudget,
      )
      for await (const e of plan.stream(prompt, this.generateOptions(1, [], s))) if (e.type === 'done') break
    })
  }

  /**
   * Adaptive debounce for the editor's next request: a little longer than its recent gap between
   * keystrokes, within [the budget's floor, maxDebounceMs].
   */
  debounceMs(editorId: string): number {
    return debounceFor(
      this.editors.find(editorId),
      this.budgets.completion.debounceMs,
      this.opts.maxDebounceMs ?? 250,
    )
  }

  async dispose(): Promise<void> {
    this.disposed = true
    this.reporter.dispose()
    for (const ed of this.editors.all()) abortGeneration(ed)
    this.prefetch.abort()
    await this.cache.flush()
  }

  // ---------------------------------------------------------------------------------------

  /** The one route decision of a request: its model and family key the cache and shape the prompt. */
  private plan(prefix: string, suffix: string, mode: CompletionMode): Planned {
    const pruned = pruneForBudget(prefix, suffix, this.promptBudget)
    let plan: RoutePlan
    try {
      plan = this.route.plan({ ...pruned, latencyBudgetMs: this.opts.timeoutMs ?? 8000 })
    } catch (err) {
      // Nothing can serve it: the status bar says why.
      this.reporter.noteState()
      throw err
    }
    const family = this.opts.family ?? plan.family
    return {
      plan,
      family,
      mode,
      pruned,
      key: CompletionCache.key(plan.model, family, pruned.prefix, pruned.suffix),
    }
  }

  /**
   * Caches an answer under the model that wrote it: the plan's, or (after a fallover to another
   * backend) the one that served it, with that model's family.
   */
  private cacheAnswer(p: Planned, text: string): void {
    const s = p.plan.servedBy
    if (s.model === p.plan.model) this.cache.set(p.key, text)
    else
      this.cache.set(
        CompletionCache.key(s.model, this.opts.family ?? s.family, p.pruned.prefix, p.pruned.suffix),
        text,
      )
  }

  /** Attaches to a running generation; resolves with the remainder for this position, or undefined. */
  private async join(
    ed: EditorState,
    gen: Generation,
    r: CompletionRequest,
    typed: string,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    gen.refs++
    gen.listeners.push({ requestId: r.requestId, typed })
    const release = releaser(gen, signal)
    try {
      const text = await gen.done
      this.ensureLatest(ed, r, signal)
      if (text.length > typed.length && text.startsWith(typed)) return text.slice(typed.length)
      return undefined
    } finally {
      release()
    }
  }

  private async generate(
    ed: EditorState,
    r: CompletionRequest,
    signal: AbortSignal,
    p: Planned,
    debounce: boolean,
  ): Promise<string> {
    if (signal.aborted || ed.latest !== r.requestId) throw cancelled()
    // A foreground request always wins over speculation.
    this.prefetch.abort()
    const { gen, resolveDone, rejectDone } = newGeneration(
      r,
      p.mode,
      postContext(p.pruned, p.mode, this.opts.maxLines ?? 12),
    )
    const ac = gen.ac
    ed.gen = gen
    const release = releaser(gen, signal)
    try {
      const query = {
        path: r.path,
        language: r.language,
        prefix: p.pruned.prefix,
        suffix: p.pruned.suffix,
        line: r.line,
        column: r.column,
      }
      const context = gatherSnippets(
        this.sources,
        query,
        this.opts.contextTimeoutMs ?? 40,
        ac.signal,
        this.opts.includeSecretFiles?.() ?? false,
      )
      if (debounce) await waitDebounce(this.clock, ed, r.requestId, this.debounceMs(r.editorId), ac.signal)
      const snippets = (await context).snippets
      if (ac.signal.aborted) throw cancelled()
      gen.streaming = true
      const { text: t } = await this.stream(p, { ...query, snippets }, ac.signal, (raw, text) => {
        gen.raw = raw
        if (text === undefined || text === gen.text) return
        gen.text = text
        emitPartials(gen, this.opts.events)
      })
      this.cacheAnswer(p, t)
      resolveDone(t)
      remember(ed, r, t, p.plan.servedBy.model)
      this.ensureLatest(ed, r, signal)
      return t
    } catch (err) {
      rejectDone(err)
      if (ac.signal.aborted || signal.aborted) throw cancelled()
      throw err
    } finally {
      if (ed.gen === gen) ed.gen = undefined
      release()
    }
  }

  private async stream(
    p: Planned,
    input: { path: string; language: string; snippets?: Snippet[] },
    signal: AbortSignal,
    onProgress: (raw: string, text: string | undefined) => void,
  ): Promise<{ text: string }> {
    const r = await produce({
      plan: p.plan,
      family: p.family,
      path: input.path,
      language: input.language,
      ...(input.snippets ? { snippets: input.snippets } : {}),
      pruned: p.pruned,
      mode: p.mode,
      promptBudget: this.promptBudget,
      maxLines: this.opts.maxLines ?? 12,
      options: (stop) => this.generateOptions(this.budgets.completion.maxTokens, stop, signal),
      noteState: () => this.reporter.noteState(),
      onProgress,
    })
    this.reporter.lastMs = r.timing?.totalMs ?? this.reporter.lastMs
    return r
  }

  private generateOptions(maxTokens: number, stop: readonly string[], signal: AbortSignal): GenerateOptions {
    return {
      maxTokens,
      temperature: this.opts.temperature ?? 0.2,
      stop,
      numCtx: this.opts.numCtx ?? 4096,
      signal,
      timeoutMs: this.opts.timeoutMs ?? 8000,
      firstByteMs: this.opts.firstByteMs ?? 6000,
      stallMs: this.opts.stallMs ?? 2000,
    }
  }

  private ensureLatest(ed: EditorState, r: CompletionRequest, signal: AbortSignal): void {
    if (signal.aborted || ed.latest !== r.requestId) throw cancelled('superseded by a newer request')
  }
}
