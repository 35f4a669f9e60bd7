import type {
  CompletionCounts,
  CompletionFeedback,
  CompletionRequest,
  CompletionResult,
  CompletionStatus,
} from '@shared/contract/completion'
import type { EventName, PayloadOf } from '@shared/contract'
import { HearthError } from '@shared/errors'
import type {
  CompletionProvider,
  FimEvent,
  FimTiming,
  GenerateOptions,
  ProviderState,
  Snippet,
} from '../inference/fimTypes'
import type { CompletionLatencyRecorder } from '../metrics/hearthMetrics'
import { FULL_SPEED, type BudgetConsumer, type Budgets } from '../resources/budgets'
import type { CompletionPrefetchTarget, NextCompletionContext } from '../resources/prefetchTargets'
import { CompletionCache } from './completionCache'
import type { ContextSource } from '../inference/contextSource'
import { gatherSnippets } from './gatherSnippets'
import { templateFor, type FimFamily } from '../inference/fimTemplates'
import {
  decideMode,
  mayComplete,
  processCompletion,
  type CompletionMode,
  type PostContext,
} from './postprocess'
import { buildPrompt, DEFAULT_PROMPT_BUDGET, pruneForBudget, type PromptBudget } from './promptBudget'
import { RecentEditsSource } from './recentEditsSource'

/** The slice of the event bus the service uses. */
export interface CompletionEventSink {
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void
}

export interface CompletionServiceOptions {
  provider: CompletionProvider
  /** Defaults to a memory-only cache. */
  cache?: CompletionCache
  /** Repository context (the index implements one); recent edits are always added first. */
  contextSources?: ContextSource[]
  events?: CompletionEventSink
  metrics?: CompletionLatencyRecorder
  budgets?: Budgets
  promptBudget?: Partial<PromptBudget>
  /** Template family override; by default chosen from the model name. */
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
}

interface Listener {
  requestId: number
  /** Characters the listener's position is ahead of the generation's start. */
  typed: string
}

interface Generation {
  path: string
  suffix: string
  offset: number
  prefixTail: string
  mode: CompletionMode
  /** Post-processed text as of the last line end or closing bracket (what partial events carry). */
  text: string
  /** Everything the provider has streamed so far, and how to post-process it (see `shownNow`). */
  raw: string
  post: PostContext
  /** Past the debounce, the provider request is on its way: worth joining. */
  streaming: boolean
  /** Complete lines (newlines) in the last partial event sent. */
  emittedLines: number
  ac: AbortController
  refs: number
  listeners: Listener[]
  editorId: string
  done: Promise<string>
}

interface Remembered {
  path: string
  suffix: string
  offset: number
  prefixTail: string
  text: string
  model: string
}

interface EditorState {
  latest: number
  lastAt: number
  ewmaMs: number | null
  gen: Generation | undefined
  recent: Remembered[]
  wake: (() => void) | undefined
  /** Last answers shown to this editor, newest first: an `accepted` feedback names one of them. */
  answered?: Answered[]
}

/** What an answer was given for, so an accepted suggestion can seed the next completion. */
interface Answered {
  requestId: number
  path: string
  language: string
  prefix: string
  suffix: string
  text: string
}

const TAIL = 48
/**
 * The status bar shows "generating" only for a generation still running after this long. Most
 * completions take less: showing it would flicker the status bar twice per keystroke pause, and
 * the two status events went out (and were parsed and validated by the renderer) on the way to
 * the answer itself (≈0.4 ms of a miss, in a scratch breakdown of bench:fim's misses;
 * docs/BENCHMARKS.md, FIM, eleventh session).
 */
const SHOW_GENERATING_AFTER_MS = 300
const MAX_EDITORS = 64
const MAX_REMEMBERED = 8
const WORD_CHAR = /[\p{L}\p{N}_$]/u

const zeroCounts = (): CompletionCounts => ({
  requests: 0,
  cacheHits: 0,
  shown: 0,
  accepted: 0,
  acceptedWords: 0,
  dismissed: 0,
  kept: 0,
})

/**
 * Inline FIM completions for every editor. Order of work for a request, cheapest first:
 * 1. stale/mid-word checks; 2. the cache (exact key) and typed-ahead reuse of a recent
 *    completion — answered synchronously; 3. a running stream the new position continues —
 *    joined, not restarted; 4. otherwise the old request is aborted at once, the adaptive
 *    debounce runs while context is gathered, and the provider streams (partials as events).
 *
 * Debounce lives here, in the core, not in the renderer: the cache lookup must come before it
 * (so a hit costs one round trip, no timer), the resource policy sets its floor through
 * setBudgets, the core sees every request's arrival time per editor (the typing rhythm), and
 * the CLI/benchmarks exercise the same path without a renderer.
 */
export class CompletionService implements BudgetConsumer, CompletionPrefetchTarget {
  private provider: CompletionProvider
  readonly cache: CompletionCache
  private readonly recentEdits = new RecentEditsSource()
  private readonly sources: ContextSource[]
  private readonly editors = new Map<string, EditorState>()
  private budgets: Budgets
  private readonly promptBudget: PromptBudget
  private counts = zeroCounts()
  private lastMs: number | null = null
  private lastState: ProviderState = { phase: 'idle' }
  private showGenerating: NodeJS.Timeout | undefined
  private prefetchAc: AbortController | undefined
  private disposed = false

  constructor(private readonly opts: CompletionServiceOptions) {
    this.provider = opts.provider
    this.cache = opts.cache ?? new CompletionCache()
    this.sources = [this.recentEdits, ...(opts.contextSources ?? [])]
    this.budgets = opts.budgets ?? FULL_SPEED
    this.promptBudget = { ...DEFAULT_PROMPT_BUDGET, ...opts.promptBudget }
    void this.cache.load()
  }

  setBudgets(budgets: Budgets): void {
    this.budgets = budgets
  }

  /** Switches provider (profile change, router): later requests go to it; running ones finish. */
  setProvider(provider: CompletionProvider): void {
    this.provider = provider
    this.emitStatus()
  }

  get currentProvider(): CompletionProvider {
    return this.provider
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
    const ed = this.editor(r.editorId)
    if (r.requestId < ed.latest)
      throw new HearthError('cancelled', 'stale completion request (a newer one exists)')
    const now = performance.now()
    if (ed.lastAt > 0) {
      const gap = now - ed.lastAt
      // Only gaps that look like typing feed the rhythm; a pause resets nothing.
      if (gap < 1500) ed.ewmaMs = ed.ewmaMs === null ? gap : ed.ewmaMs * 0.7 + gap * 0.3
    }
    ed.lastAt = now
    ed.latest = r.requestId
    ed.wake?.()
    this.counts.requests++
    this.recentEdits.record(r.path, r.prefix, r.suffix)

    const provider = this.provider
    const model = provider.model
    const family = this.opts.family ?? templateFor(model).family
    const mode = decideMode(r.prefix, r.suffix)
    const base = { requestId: r.requestId, provider: provider.kind, model, mode }
    const answer = (text: string, source: CompletionResult['source'], reason?: string): CompletionResult => {
      const ms = performance.now() - t0
      const cached = source === 'cache' || source === 'typed-ahead' || source === 'stream-reuse'
      if (cached) this.counts.cacheHits++
      this.opts.metrics?.observeCompletion(ms, { provider: provider.kind, cache: cached ? 'hit' : 'miss' })
      if (text) {
        const { requestId, path, language, prefix, suffix } = r
        ed.answered = [{ requestId, path, language, prefix, suffix, text }, ...(ed.answered ?? [])].slice(
          0,
          4,
        )
      }
      return { ...base, text, cached, source, ms, ...(reason ? { reason } : {}) }
    }

    if (
      r.trigger === 'automatic' &&
      (this.opts.midWord ?? 'skip') === 'skip' &&
      midWord(r.prefix, r.suffix)
    ) {
      this.abortGeneration(ed)
      return answer('', 'skipped', 'mid-word')
    }

    const pruned = pruneForBudget(r.prefix, r.suffix, this.promptBudget)
    const key = CompletionCache.key(model, family, pruned.prefix, pruned.suffix)
    const hit = this.cache.get(key)
    if (hit !== undefined) {
      this.abortGeneration(ed)
      this.remember(ed, r, hit, model)
      return answer(hit, 'cache')
    }
    const ahead = this.typedAhead(ed, r, model)
    if (ahead !== undefined) {
      this.abortGeneration(ed)
      this.cache.set(key, ahead)
      return answer(ahead, 'typed-ahead')
    }

    const gen = ed.gen
    const typed = gen ? continues(gen, r) : undefined
    if (gen && typed !== undefined) {
      return this.join(ed, gen, r, typed, signal).then((text) => {
        if (text !== undefined) return answer(text, 'stream-reuse')
        return this.generate(ed, r, signal, key, model, family, mode, pruned, false).then((t) =>
          answer(t, 'provider'),
        )
      })
    }
    this.abortGeneration(ed)
    return this.generate(ed, r, signal, key, model, family, mode, pruned, r.trigger === 'automatic').then(
      (t) => answer(t, 'provider'),
    )
  }

  feedback(f: CompletionFeedback): CompletionCounts {
    switch (f.kind) {
      case 'shown':
        this.counts.shown++
        break
      case 'accepted':
        this.counts.accepted++
        break
      case 'accepted-word':
        this.counts.acceptedWords++
        break
      case 'dismissed':
        this.counts.dismissed++
        break
      case 'kept':
        this.counts.kept++
        break
    }
    this.emitStatus()
    return { ...this.counts }
  }

  status(): CompletionStatus {
    const p = this.provider
    const st = p.state()
    const state: CompletionStatus['state'] = this.disposed ? 'disabled' : st.phase
    return {
      provider: p.kind,
      model: p.model,
      endpoint: p.endpoint,
      state,
      ...(st.error ? { message: st.error.message } : {}),
      ...(st.error?.reason ? { reason: st.error.reason } : {}),
      lastMs: this.lastMs,
      counts: { ...this.counts },
    }
  }

  /**
   * The document as it reads once the suggestion answered to `requestId` is accepted, with the
   * cursor after it: what the prefetcher needs to ask for the next completion speculatively.
   * The text is the request's window (prefix tail + suggestion + suffix head), not the whole file.
   */
  acceptedContext(editorId: string, requestId: number): NextCompletionContext | undefined {
    const a = this.editors.get(editorId)?.answered?.find((x) => x.requestId === requestId)
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
    const model = this.provider.model
    const family = this.opts.family ?? templateFor(model).family
    const pruned = pruneForBudget(prefix, suffix, this.promptBudget)
    const key = CompletionCache.key(model, family, pruned.prefix, pruned.suffix)
    if (this.cache.get(key) !== undefined) return
    await this.runPrefetch(signal, async (s) => {
      const text = await this.produce(
        { path: ctx.path, language: ctx.languageId ?? '' },
        pruned,
        family,
        decideMode(prefix, suffix),
        s,
        () => undefined,
      )
      this.cache.set(key, text)
    })
  }

  /** Prefetcher: a one-token request over the file's last known context, so the server caches its prompt. */
  async warm(path: string, signal: AbortSignal): Promise<void> {
    const known = [...this.editors.values()].flatMap((e) => e.recent).find((m) => m.path === path)
    if (!known) return
    await this.runPrefetch(signal, async (s) => {
      const family = this.opts.family ?? templateFor(this.provider.model).family
      const prompt = buildPrompt(
        templateFor(family),
        { prefix: known.prefixTail, suffix: known.suffix, snippets: [] },
        this.promptBudget,
      )
      for await (const e of this.provider.stream(prompt, this.generateOptions(1, [], s)))
        if (e.type === 'done') break
    })
  }

  async dispose(): Promise<void> {
    this.disposed = true
    clearTimeout(this.showGenerating)
    for (const ed of this.editors.values()) this.abortGeneration(ed)
    this.prefetchAc?.abort()
    await this.cache.flush()
  }

  // ---------------------------------------------------------------------------------------

  private editor(id: string): EditorState {
    let ed = this.editors.get(id)
    if (ed) {
      this.editors.delete(id)
      this.editors.set(id, ed)
      return ed
    }
    ed = { latest: -1, lastAt: 0, ewmaMs: null, gen: undefined, recent: [], wake: undefined }
    this.editors.set(id, ed)
    while (this.editors.size > MAX_EDITORS) {
      const [oldId, old] = this.editors.entries().next().value as [string, EditorState]
      this.abortGeneration(old)
      this.editors.delete(oldId)
    }
    return ed
  }

  private abortGeneration(ed: EditorState): void {
    const g = ed.gen
    if (!g) return
    ed.gen = undefined
    g.ac.abort()
  }

  /** A recent completion the user has been typing into: the rest of it, or undefined. */
  private typedAhead(ed: EditorState, r: CompletionRequest, model: string): string | undefined {
    for (const m of ed.recent) {
      if (m.model !== model || m.path !== r.path) continue
      const typed = typedSince(m, r)
      if (typed === undefined || typed.length === 0) continue
      if (m.text.length > typed.length && m.text.startsWith(typed)) return m.text.slice(typed.length)
    }
    return undefined
  }

  private remember(ed: EditorState, r: CompletionRequest, text: string, model: string): void {
    if (!text) return
    ed.recent = ed.recent.filter((m) => !(m.path === r.path && m.offset === r.offset))
    ed.recent.unshift({
      path: r.path,
      suffix: r.suffix,
      offset: r.offset,
      prefixTail: r.prefix.slice(-TAIL),
      text,
      model,
    })
    if (ed.recent.length > MAX_REMEMBERED) ed.recent.length = MAX_REMEMBERED
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
    const release = this.releaser(gen, signal)
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
    key: string,
    model: string,
    family: FimFamily,
    mode: CompletionMode,
    pruned: { prefix: string; suffix: string },
    debounce: boolean,
  ): Promise<string> {
    if (signal.aborted || ed.latest !== r.requestId) throw cancelled()
    // A foreground request always wins over speculation.
    this.prefetchAc?.abort()
    const ac = new AbortController()
    let resolveDone!: (t: string) => void
    let rejectDone!: (e: unknown) => void
    const done = new Promise<string>((res, rej) => {
      resolveDone = res
      rejectDone = rej
    })
    done.catch(() => undefined) // joiners observe it; an unobserved rejection is not a crash
    const gen: Generation = {
      path: r.path,
      suffix: r.suffix,
      offset: r.offset,
      prefixTail: r.prefix.slice(-TAIL),
      mode,
      text: '',
      raw: '',
      post: this.postContext(pruned, mode),
      streaming: false,
      emittedLines: 0,
      ac,
      refs: 1,
      listeners: [{ requestId: r.requestId, typed: '' }],
      editorId: r.editorId,
      done,
    }
    ed.gen = gen
    const release = this.releaser(gen, signal)
    try {
      const query = {
        path: r.path,
        language: r.language,
        prefix: pruned.prefix,
        suffix: pruned.suffix,
        line: r.line,
        column: r.column,
      }
      const context = gatherSnippets(this.sources, query, this.opts.contextTimeoutMs ?? 40, ac.signal)
      if (debounce) await this.debounce(ed, r, ac.signal)
      const snippets = (await context).snippets
      if (ac.signal.aborted) throw cancelled()
      gen.streaming = true
      const t = await this.produce({ ...query, snippets }, pruned, family, mode, ac.signal, (raw, text) => {
        gen.raw = raw
        if (text === undefined || text === gen.text) return
        gen.text = text
        this.emitPartials(gen)
      })
      this.cache.set(key, t)
      resolveDone(t)
      this.remember(ed, r, t, model)
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

  /**
   * Builds the prompt, streams the provider, post-processes; stops the provider as soon as the
   * answer is complete. `onProgress` sees every chunk's raw text, and the post-processed text
   * whenever it was worked out (at a line end or a closing bracket).
   */
  private async produce(
    input: { path: string; language: string; snippets?: Snippet[] },
    pruned: { prefix: string; suffix: string },
    family: FimFamily,
    mode: CompletionMode,
    signal: AbortSignal,
    onProgress: (raw: string, text: string | undefined) => void,
  ): Promise<string> {
    const template = templateFor(family)
    const prompt = buildPrompt(
      template,
      {
        prefix: pruned.prefix,
        suffix: pruned.suffix,
        snippets: input.snippets ?? [],
        path: input.path,
        language: input.language,
      },
      this.promptBudget,
    )
    const stop = mode === 'single' ? [...template.stop, '\n'] : [...template.stop]
    const ctx = this.postContext(pruned, mode)
    let raw = ''
    let timing: FimTiming | undefined
    let first = true
    try {
      const events: AsyncIterable<FimEvent> = this.provider.stream(
        prompt,
        this.generateOptions(this.budgets.completion.maxTokens, stop, signal),
      )
      for await (const e of events) {
        if (e.type === 'done') {
          timing = e.timing
          break
        }
        if (first) {
          first = false
          this.noteState()
        }
        raw += e.text
        // The engine waits on this loop between tokens (same thread), so most chunks get no
        // post-processing here: only a chunk that ends a line or closes a bracket can complete
        // the answer (mayComplete), and partial events carry complete lines only.
        if (!mayComplete(e.text)) {
          onProgress(raw, undefined)
          continue
        }
        const p = processCompletion(raw, ctx)
        onProgress(raw, p.text)
        if (p.complete) break
      }
    } finally {
      this.noteState()
    }
    if (signal.aborted) throw cancelled()
    const text = processCompletion(raw, { ...ctx, final: true }).text
    this.lastMs = timing?.totalMs ?? this.lastMs
    return text
  }

  /** How a streaming answer for this (pruned) position is post-processed. */
  private postContext(pruned: { prefix: string; suffix: string }, mode: CompletionMode): PostContext {
    return {
      prefix: pruned.prefix,
      suffix: pruned.suffix,
      mode,
      maxLines: this.opts.maxLines ?? 12,
      final: false,
    }
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

  /**
   * Adaptive debounce: a little longer than this editor's recent gap between keystrokes, so a
   * request fires when the user pauses rather than between two keys; never below the budget's
   * floor, never above maxDebounceMs. Ends early (cancelled) when a newer request arrives.
   */
  debounceMs(editorId: string): number {
    const ed = this.editors.get(editorId)
    const floor = this.budgets.completion.debounceMs
    const ceiling = Math.max(floor, this.opts.maxDebounceMs ?? 250)
    if (!ed || ed.ewmaMs === null) return floor
    return Math.round(Math.min(ceiling, Math.max(floor, ed.ewmaMs * 1.15)))
  }

  private debounce(ed: EditorState, r: CompletionRequest, signal: AbortSignal): Promise<void> {
    const ms = this.debounceMs(r.editorId)
    if (ms <= 0) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const finish = (err?: Error): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        if (ed.wake === wake) ed.wake = undefined
        if (err) reject(err)
        else resolve()
      }
      const onAbort = (): void => finish(cancelled())
      const wake = (): void => {
        if (ed.latest !== r.requestId) finish(cancelled())
      }
      const timer = setTimeout(() => finish(), ms)
      ed.wake = wake
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Counts a caller; when every caller of a generation has gone, the generation stops. */
  private releaser(gen: Generation, signal: AbortSignal): () => void {
    let released = false
    const drop = (): void => {
      if (released) return
      released = true
      signal.removeEventListener('abort', onAbort)
      gen.refs--
    }
    const onAbort = (): void => {
      drop()
      if (gen.refs <= 0) gen.ac.abort()
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    return drop
  }

  private ensureLatest(ed: EditorState, r: CompletionRequest, signal: AbortSignal): void {
    if (signal.aborted || ed.latest !== r.requestId) throw cancelled('superseded by a newer request')
  }

  /**
   * Partial ghost text, each time a line completes. The renderer shows only the complete lines of
   * a streaming suggestion (`completeLines` in ghostText.ts), so an event for text after the last
   * newline would be parsed there and dropped: on a fast engine that was one message per token
   * across the process boundary, competing with the engine for the cores while it generates.
   */
  private emitPartials(gen: Generation): void {
    const events = this.opts.events
    if (!events) return
    const lines = countNewlines(gen.text)
    if (lines <= gen.emittedLines) return
    gen.emittedLines = lines
    for (const l of gen.listeners) {
      if (!gen.text.startsWith(l.typed) || gen.text.length <= l.typed.length) continue
      events.emit('completion.partial', {
        editorId: gen.editorId,
        requestId: l.requestId,
        text: gen.text.slice(l.typed.length),
      })
    }
  }

  private async runPrefetch(
    signal: AbortSignal,
    work: (signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    this.prefetchAc?.abort()
    const ac = new AbortController()
    this.prefetchAc = ac
    const onAbort = (): void => ac.abort()
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      await work(ac.signal)
    } catch (err) {
      if (ac.signal.aborted) throw cancelled()
      throw err
    } finally {
      signal.removeEventListener('abort', onAbort)
      if (this.prefetchAc === ac) this.prefetchAc = undefined
    }
  }

  private noteState(): void {
    const st = this.provider.state()
    if (st.phase === 'generating' && !st.error) {
      this.showGenerating ??= setTimeout(() => {
        this.showGenerating = undefined
        this.noteStateNow()
      }, SHOW_GENERATING_AFTER_MS)
      this.showGenerating.unref()
      return
    }
    clearTimeout(this.showGenerating)
    this.showGenerating = undefined
    this.noteStateNow()
  }

  private noteStateNow(): void {
    const st = this.provider.state()
    if (st.phase !== this.lastState.phase || st.error?.message !== this.lastState.error?.message) {
      this.lastState = st
      this.emitStatus()
    }
  }

  private emitStatus(): void {
    try {
      this.opts.events?.emit('completion.statusChanged', this.status())
    } catch {
      // A status event must never fail a completion.
    }
  }
}

function cancelled(message = 'completion cancelled'): HearthError {
  return new HearthError('cancelled', message, { reason: 'cancelled' })
}

/** The cursor sits inside a word: word characters on both sides. */
export function midWord(prefix: string, suffix: string): boolean {
  const before = prefix.slice(-1)
  const after = suffix.slice(0, 1)
  return before !== '' && after !== '' && WORD_CHAR.test(before) && WORD_CHAR.test(after)
}

function countNewlines(text: string): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++
  return n
}

/**
 * What the user typed since `m` was asked for at `m.offset`, if `r` is the same spot moved
 * forward by typing: same file, same text after the cursor, and the text before the typed part
 * still ending like it did.
 */
function typedSince(
  m: { path: string; suffix: string; offset: number; prefixTail: string },
  r: CompletionRequest,
): string | undefined {
  const d = r.offset - m.offset
  if (d < 0 || d > 4000 || m.path !== r.path || m.suffix !== r.suffix) return undefined
  if (r.prefix.length < d + m.prefixTail.length) return undefined
  const typed = r.prefix.slice(r.prefix.length - d)
  const before = r.prefix.slice(r.prefix.length - d - m.prefixTail.length, r.prefix.length - d)
  return before === m.prefixTail ? typed : undefined
}

/**
 * The typed text if `r` continues the running generation `g` (and what it showed so far agrees).
 * A generation still in its debounce is not worth joining: the new request restarts the wait.
 */
function continues(g: Generation, r: CompletionRequest): string | undefined {
  if (!g.streaming) return undefined
  const typed = typedSince(g, r)
  if (typed === undefined) return undefined
  const shown = shownNow(g)
  return shown.startsWith(typed) || typed.startsWith(shown) ? typed : undefined
}

/** The generation's post-processed text up to its latest chunk (`g.text` may be a few tokens behind). */
function shownNow(g: Generation): string {
  return g.raw ? processCompletion(g.raw, g.post).text : g.text
}
