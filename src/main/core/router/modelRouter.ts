import type { BackendsStatus, EndpointModels, EndpointStatus, TaskStatus } from '@shared/contract/settings'
import { HearthError } from '@shared/errors'
import {
  TASKS,
  type BackendKind,
  type EndpointConfig,
  type Profile,
  type Settings,
  type Task,
} from '@shared/settings/schema'
import { checkEndpoint, type CheckTarget } from '../health/checkEndpoint'
import { classifyFailure, type Classified } from '../health/classifyFailure'
import type { Embedder } from '../inference/embedder'
import type { CompletionProvider } from '../inference/fimTypes'
import { allowAllPolicy, loopbackOnlyPolicy, offlineRefusal } from '../net/connectionPolicy'
import type { HttpClient } from '../net/httpClient'
import type { TokenStore } from '../secrets/tokenStore'
import { pickEndpoint, type Candidate } from './balancer'
import { EndpointRuntime } from './endpointRuntime'
import { listModels } from './listModels'
import { ModelStatsTable } from './modelStats'
import type { ProviderFactory } from './providerFactory'
import { RoutedCompletionProvider, type PromptRenderer } from './routedCompletionProvider'
import { rerenderForModel } from './rerenderPrompt'
import { RoutedEmbedder } from './routedEmbedder'
import { chooseModel, type RuleHints } from './sizeRule'

export interface EndpointRef {
  id: string
  kind: BackendKind
  url: string | undefined
}

export interface ModelRouterOptions {
  /** The core's one HTTP client: its connection policy is how the offline profile is enforced. */
  http: HttpClient
  tokens: TokenStore
  settings: Settings
  factory: ProviderFactory
  /** Clock for breakers and timestamps (injectable: tests step time instead of sleeping). */
  now?: () => number
  /** GPU utilisation (0–100) behind an endpoint, from the resource monitor; undefined = unknown. */
  gpuLoad?: (e: EndpointRef) => number | undefined
  /** Re-renders a FIM prompt for another model's family (default: the completion templates). */
  renderPrompt?: PromptRenderer
  /** Never sees a token: messages pass through TokenStore.redact first. */
  log?: (level: 'info' | 'warn', message: string) => void
  /** Run periodic health checks (default true). Tests drive `checkAll()` themselves. */
  monitor?: boolean
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

const REACHABLE: ReadonlySet<string> = new Set(['ok', 'slow', 'model_missing'])

/**
 * The model router: for each task of the active profile, walks the fallback chain (e.g. Triton →
 * Ollama → embedded) to the first tier with a usable endpoint, picks among that tier's endpoints
 * with the profile's balancing strategy, and keeps per-endpoint health (periodic checks, circuit
 * breakers, distinct failure states) and per-model stats. Settings changes apply at once —
 * including the offline profile's loopback-only policy on the shared HTTP client.
 */
export class ModelRouter {
  private settings: Settings
  private readonly endpoints = new Map<string, EndpointRuntime>()
  private readonly completions = new Map<string, CompletionProvider>()
  private readonly embedders = new Map<string, Embedder>()
  private readonly turns = new Map<string, number>()
  private readonly listeners = new Set<(s: BackendsStatus) => void>()
  private readonly routed = new Map<string, RoutedCompletionProvider>()
  private routedEmbedder: RoutedEmbedder | undefined
  private readonly pinnedEmbedders = new Map<string, RoutedEmbedder>()
  private lastSignature = ''
  private timer: NodeJS.Timeout | undefined
  private disposed = false
  readonly stats = new ModelStatsTable()
  readonly now: () => number
  private gpuLoad: ModelRouterOptions['gpuLoad']

  constructor(private readonly opts: ModelRouterOptions) {
    this.now = opts.now ?? Date.now
    this.gpuLoad = opts.gpuLoad
    this.settings = opts.settings
    this.applySettings(opts.settings)
  }

  get profileId(): string {
    return this.settings.profile
  }

  get profile(): Profile {
    const p = this.settings.profiles[this.settings.profile]
    if (!p) throw new HearthError('internal', `active profile "${this.settings.profile}" is not defined`)
    return p
  }

  get currentSettings(): Settings {
    return this.settings
  }

  /** New settings (profile switch, endpoint edit): applied now, no restart. */
  applySettings(s: Settings): void {
    this.settings = s
    const profile = this.profile
    const offline = profile.network === 'loopback-only'
    const policy = offline ? loopbackOnlyPolicy : allowAllPolicy
    if (this.opts.http.connectionPolicy.name !== policy.name) {
      this.opts.http.setPolicy(policy)
      this.log(
        'info',
        `profile "${s.profile}": network ${offline ? 'loopback only (enforced)' : 'unrestricted'}`,
      )
    }
    for (const [id, cfg] of Object.entries(s.endpoints)) {
      let rt = this.endpoints.get(id)
      if (!rt) {
        rt = new EndpointRuntime(id, cfg, s.health, this.now)
        this.endpoints.set(id, rt)
      } else if (JSON.stringify(rt.config) !== JSON.stringify(cfg)) {
        rt.config = cfg
        rt.reset()
        this.dropProviders(id)
      }
      rt.breaker.configure({
        failureThreshold: s.health.failureThreshold,
        openMs: s.health.openMs,
        maxOpenMs: s.health.maxOpenMs,
      })
      this.applyPolicyState(rt, offline)
    }
    for (const id of [...this.endpoints.keys()]) {
      if (!Object.hasOwn(s.endpoints, id)) {
        this.endpoints.delete(id)
        this.dropProviders(id)
      }
    }
    this.emitIfChanged()
    if (this.opts.monitor !== false) {
      void this.checkAll()
      this.schedule()
    }
  }

  /** A token was set or cleared: rebuild that endpoint's providers and check it again. */
  tokenChanged(endpointId: string): void {
    const rt = this.endpoints.get(endpointId)
    if (!rt) return
    this.dropProviders(endpointId)
    if (rt.state !== 'blocked') rt.reset()
    this.emitIfChanged()
    if (this.opts.monitor !== false) void this.check(rt)
  }

  /** Where GPU load comes from (the resource monitor, which the core builds after the router). */
  setGpuLoad(fn: ModelRouterOptions['gpuLoad']): void {
    this.gpuLoad = fn
  }

  onStatus(listener: (s: BackendsStatus) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  // ---- selection -------------------------------------------------------------------------

  /**
   * Where a `task` request goes now. Throws HearthError('unavailable') naming why each tier is
   * unusable when nothing can serve it. `exclude`: endpoints already tried by this request.
   */
  select(task: Task, hints: RuleHints = {}, exclude?: ReadonlySet<string>): Selection {
    const route = this.profile.tasks[task]
    const reasons: string[] = []
    for (let ti = 0; ti < route.chain.length; ti++) {
      const sel = this.selectInTier(task, ti, hints, exclude, reasons)
      if (sel) return sel
    }
    throw new HearthError('unavailable', `no backend can serve ${task} now: ${reasons.join('; ')}`, {
      reason: 'no_backend',
      task,
    })
  }

  /** Like select, but only within one tier (same model: embeddings must not change model mid-call). */
  selectInTier(
    task: Task,
    ti: number,
    hints: RuleHints = {},
    exclude?: ReadonlySet<string>,
    reasons: string[] = [],
  ): Selection | undefined {
    const route = this.profile.tasks[task]
    const tier = route.chain[ti]
    if (!tier) return undefined
    const rule = ti === 0 ? route.rule : undefined
    const p95 = (model: string): number | null => {
      const vals = tier.endpoints
        .map((e) => this.stats.quantile(e, model, 0.95))
        .filter((v): v is number => v !== null)
      return vals.length ? Math.min(...vals) : null
    }
    const chosen = chooseModel(tier.model, rule, hints, p95)
    // The rule's model may be missing where the tier's own is not: fall back to the tier's model.
    const models = chosen.model === tier.model ? [tier.model] : [chosen.model, tier.model]
    for (const model of models) {
      const candidates: Candidate[] = []
      for (const eid of tier.endpoints) {
        const rt = this.endpoints.get(eid)
        if (!rt || exclude?.has(eid)) continue
        const why = this.unusable(rt, model)
        if (why) {
          reasons.push(`${eid}: ${why}`)
          continue
        }
        candidates.push({
          id: eid,
          inFlight: rt.inFlight,
          latencyMs: rt.latency.quantile(0.5),
          gpuLoad: this.gpuLoad?.({ id: eid, kind: rt.config.kind, url: rt.config.url }),
          slow: rt.state === 'slow',
        })
      }
      if (candidates.length === 0) continue
      const key = `${task}:${ti}`
      const turn = this.turns.get(key) ?? 0
      this.turns.set(key, turn + 1)
      const pick = pickEndpoint(candidates, this.profile.balancing, turn, {
        gpuBusyPercent: this.settings.resources.gpuBusyPercent,
      })
      const rt = pick ? this.endpoints.get(pick.id) : undefined
      if (!pick || !rt) continue
      const sel: Selection = { task, tier: ti, endpointId: pick.id, endpoint: rt.config, model }
      if (model === chosen.model && chosen.why) sel.why = chosen.why
      return sel
    }
    return undefined
  }

  /** Breaker state of one endpoint (retry loops stop once it opens). */
  peekBreaker(endpointId: string): 'closed' | 'open' | 'half_open' | undefined {
    return this.endpoints.get(endpointId)?.breaker.state
  }

  private unusable(rt: EndpointRuntime, model: string): string | undefined {
    if (rt.state === 'blocked') return 'blocked by the offline profile'
    if (rt.state === 'unauthorized') return 'unauthorized'
    if (rt.missing.has(model)) return `model "${model}" missing${rt.fix ? ` (${rt.fix})` : ''}`
    const b = rt.breaker.state
    if (b !== 'closed') return `${rt.state} (circuit ${b === 'open' ? 'open' : 'probing'})`
    return undefined
  }

  // ---- providers -------------------------------------------------------------------------

  /** The (cached) provider for a selection. */
  providerFor(sel: Selection): CompletionProvider {
    const key = `${sel.endpointId}\u0000${sel.model}`
    let p = this.completions.get(key)
    if (!p) {
      p = this.opts.factory.completion({
        endpointId: sel.endpointId,
        endpoint: sel.endpoint,
        model: sel.model,
        token: this.token(sel),
      })
      this.completions.set(key, p)
    }
    return p
  }

  embedderFor(sel: Selection): Embedder {
    const key = `${sel.endpointId}\u0000${sel.model}`
    let e = this.embedders.get(key)
    if (!e) {
      e = this.opts.factory.embedder({
        endpointId: sel.endpointId,
        endpoint: sel.endpoint,
        model: sel.model,
        token: this.token(sel),
      })
      this.embedders.set(key, e)
    }
    return e
  }

  /** A CompletionProvider that routes every request (stable object: hand it to the completion service). */
  completionProvider(task: Task = 'completion'): CompletionProvider {
    let r = this.routed.get(task)
    if (!r) {
      r = new RoutedCompletionProvider(this, task, this.opts.renderPrompt ?? rerenderForModel)
      this.routed.set(task, r)
    }
    return r
  }

  /** An Embedder that routes every batch, retrying transient failures (embeddings are idempotent). */
  embedder(): Embedder {
    this.routedEmbedder ??= new RoutedEmbedder(this)
    return this.routedEmbedder
  }

  /**
   * The embedder pinned to the tier the embedding task uses now (or to `tier`): its id and
   * vectors never change model, which an index needs (see RoutedEmbedder). The same object comes
   * back while that tier's model and endpoints stay as they are.
   */
  tierEmbedder(tier?: number): RoutedEmbedder | undefined {
    let ti = tier
    if (ti === undefined) {
      try {
        ti = this.peek('embedding').tier
      } catch {
        // Nothing can embed now: the caller keeps what it has.
        return undefined
      }
    }
    const t = this.profile.tasks.embedding.chain[ti]
    const eid = t?.endpoints[0]
    const rt = eid === undefined ? undefined : this.endpoints.get(eid)
    if (!t || eid === undefined || !rt) return undefined
    const key = JSON.stringify([ti, t.model, t.endpoints, rt.config])
    const cached = this.pinnedEmbedders.get(key)
    if (cached) return cached
    const naming = this.embedderFor({
      task: 'embedding',
      tier: ti,
      endpointId: eid,
      endpoint: rt.config,
      model: t.model,
    })
    const pinned = new RoutedEmbedder(this, undefined, undefined, {
      tier: ti,
      model: t.model,
      endpoints: [...t.endpoints],
      naming,
    })
    this.pinnedEmbedders.set(key, pinned)
    return pinned
  }

  private token(sel: Selection): string | undefined {
    const t = this.opts.tokens.lookup(sel.endpointId, sel.endpoint.url)
    return t.status === 'ok' ? t.token : undefined
  }

  private dropProviders(endpointId: string): void {
    const mine = (key: string): boolean => key.startsWith(`${endpointId}\u0000`)
    for (const [key, p] of this.completions) {
      if (!mine(key)) continue
      this.completions.delete(key)
      void p.dispose().catch(() => undefined)
    }
    // Embedders hold no resources (sockets belong to the shared HttpClient).
    for (const key of [...this.embedders.keys()]) if (mine(key)) this.embedders.delete(key)
  }

  // ---- request bookkeeping ---------------------------------------------------------------

  begin(sel: Selection): Ticket {
    const rt = this.endpoints.get(sel.endpointId)
    const started = performance.now()
    let settled = false
    if (rt) rt.inFlight++
    const settle = (): boolean => {
      if (settled) return false
      settled = true
      if (rt) rt.inFlight--
      return true
    }
    return {
      success: (latencyMs) => {
        if (!settle()) return
        const ms = latencyMs ?? performance.now() - started
        this.stats.success(sel.endpointId, sel.model, ms)
        if (!rt) return
        rt.latency.add(ms)
        rt.breaker.onSuccess()
        if (rt.state !== 'ok' && rt.state !== 'slow' && rt.state !== 'model_missing') {
          this.setState(rt, 'ok', 'answered a request')
        }
        this.emitIfChanged()
      },
      failure: (err) => {
        const c = classifyFailure(err)
        if (!settle()) return c
        if (c.state === 'ok') {
          // Cancelled by the user, or our own bad request: says nothing about the server.
          this.emitIfChanged()
          return c
        }
        const msg = this.redact(c.message)
        this.stats.failure(sel.endpointId, sel.model, msg)
        if (!rt) return c
        if (c.breakerFailure) rt.breaker.onFailure()
        if (c.state === 'model_missing') {
          rt.missing.add(sel.model)
          this.setState(rt, 'model_missing', msg, c.fix ?? this.missingFix(rt, sel.model))
        } else this.setState(rt, c.state, msg, c.fix)
        this.emitIfChanged()
        if (rt.breaker.state === 'open') this.schedule()
        return c
      },
      end: () => {
        if (!settle()) return
        this.emitIfChanged()
      },
    }
  }

  private missingFix(rt: EndpointRuntime, model: string): string | undefined {
    return rt.config.kind === 'ollama' ? `ollama pull ${model}` : undefined
  }

  // ---- health ----------------------------------------------------------------------------

  /** Endpoints the active profile uses, with the models it needs from each. */
  activeTargets(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>()
    for (const task of TASKS) {
      const route = this.profile.tasks[task]
      route.chain.forEach((tier, ti) => {
        const models = [tier.model]
        if (ti === 0 && route.rule?.smallModel) models.push(route.rule.smallModel)
        if (ti === 0 && route.rule?.largeModel) models.push(route.rule.largeModel)
        for (const eid of tier.endpoints) {
          const set = out.get(eid) ?? new Set<string>()
          for (const m of models) set.add(m)
          out.set(eid, set)
        }
      })
    }
    return out
  }

  /** Checks every endpoint of the active profile now (parallel); resolves when all are done. */
  async checkAll(): Promise<BackendsStatus> {
    const targets = this.activeTargets()
    const runtimes = [...targets.keys()].map((id) => this.endpoints.get(id)).filter((rt) => rt !== undefined)
    await Promise.all(runtimes.map((rt) => this.check(rt)))
    return this.status()
  }

  /** One check; also the half-open probe of an open breaker. Shared by concurrent callers. */
  check(rt: EndpointRuntime): Promise<void> {
    rt.checking ??= this.runCheck(rt).finally(() => (rt.checking = undefined))
    return rt.checking
  }

  private async runCheck(rt: EndpointRuntime): Promise<void> {
    if (rt.state === 'blocked' || this.disposed) return
    const b = rt.breaker.state
    if (b === 'open') return
    const probe = b === 'half_open'
    if (probe && !rt.breaker.tryAcquire()) return
    const token = this.opts.tokens.lookup(rt.id, rt.config.url)
    if (token.status === 'other_origin') {
      if (probe) rt.breaker.release()
      this.setState(
        rt,
        'unauthorized',
        `the token was saved for ${token.savedFor}, not ${rt.config.url ?? ''}; it is not sent there`,
        'enter the token again for this URL in Settings → Endpoints',
      )
      this.emitIfChanged()
      return
    }
    const gen = rt.generation
    const target: CheckTarget = {
      endpointId: rt.id,
      kind: rt.config.kind,
      models: [...(this.activeTargets().get(rt.id) ?? [])],
      ...(rt.config.url ? { url: rt.config.url } : {}),
      ...(rt.config.modelsDir ? { modelsDir: rt.config.modelsDir } : {}),
      ...(token.status === 'ok' ? { token: token.token } : {}),
    }
    const h = this.settings.health
    const result = await checkEndpoint(this.opts.http, target, { timeoutMs: h.timeoutMs, slowMs: h.slowMs })
    if (gen !== rt.generation || this.disposed) return
    rt.checkedAt = this.now()
    if (REACHABLE.has(result.state)) {
      rt.breaker.onSuccess()
      rt.missing.clear()
      for (const m of result.missingModels) rt.missing.add(m)
    } else if (result.breakerFailure) {
      // A failed health check is already a deliberate probe with its own deadline: fall back now
      // rather than after N more failed keystrokes. (Request failures count up to the threshold.)
      if (probe) rt.breaker.onFailure()
      else rt.breaker.forceOpen()
    } else if (probe) rt.breaker.release()
    this.setState(rt, result.state, this.redact(result.message), result.fix)
    this.emitIfChanged()
    this.schedule()
  }

  /** Models each endpoint offers (all endpoints, or one), for the settings UI. */
  async listModels(endpointId?: string): Promise<EndpointModels[]> {
    const ids = endpointId ? [endpointId] : Object.keys(this.settings.endpoints)
    return Promise.all(
      ids.map(async (id): Promise<EndpointModels> => {
        const rt = this.endpoints.get(id)
        if (!rt) throw new HearthError('not_found', `no endpoint "${id}"`)
        const base = {
          endpointId: id,
          kind: rt.config.kind,
          url: rt.config.url ?? rt.config.modelsDir ?? '(in-process)',
        }
        if (rt.state === 'blocked') return { ...base, models: [], error: rt.message, state: rt.state }
        const t = this.opts.tokens.lookup(id, rt.config.url)
        try {
          const models = await listModels(this.opts.http, rt.config, {
            timeoutMs: this.settings.health.timeoutMs,
            ...(t.status === 'ok' ? { token: t.token } : {}),
          })
          return { ...base, models, state: rt.state }
        } catch (err) {
          const c = classifyFailure(err)
          return {
            ...base,
            models: [],
            error: this.redact(c.message),
            state: c.state === 'ok' ? 'down' : c.state,
          }
        }
      }),
    )
  }

  private schedule(): void {
    if (this.opts.monitor === false || this.disposed) return
    if (this.timer) clearTimeout(this.timer)
    const now = this.now()
    const interval = this.settings.health.intervalMs
    let next = now + interval
    for (const id of this.activeTargets().keys()) {
      const rt = this.endpoints.get(id)
      if (!rt || rt.state === 'blocked') continue
      const due = rt.breaker.retryAt ?? (rt.checkedAt ?? now) + interval
      next = Math.min(next, due)
    }
    const delay = Math.max(250, next - now)
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.tick()
    }, delay)
    // Health checks never keep the CLI alive.
    this.timer.unref()
  }

  private async tick(): Promise<void> {
    const now = this.now()
    const interval = this.settings.health.intervalMs
    const due: Promise<void>[] = []
    for (const id of this.activeTargets().keys()) {
      const rt = this.endpoints.get(id)
      if (!rt) continue
      const b = rt.breaker.state
      if (
        b === 'half_open' ||
        (b === 'closed' && (rt.checkedAt === null || now - rt.checkedAt >= interval))
      ) {
        due.push(this.check(rt))
      }
    }
    await Promise.all(due)
    this.schedule()
  }

  // ---- status ----------------------------------------------------------------------------

  private applyPolicyState(rt: EndpointRuntime, offline: boolean): void {
    const blocked = offline ? offlineRefusal(rt.config.url) : undefined
    if (blocked)
      this.setState(
        rt,
        'blocked',
        blocked,
        'switch to a profile that allows the network, or use a local backend',
      )
    else if (rt.state === 'blocked') rt.reset()
  }

  private setState(
    rt: EndpointRuntime,
    state: EndpointRuntime['state'],
    message: string,
    fix?: string,
  ): void {
    if (rt.state !== state) {
      this.log(
        state === 'ok' ? 'info' : 'warn',
        `${rt.id} (${rt.config.kind}): ${rt.state} → ${state}: ${message}`,
      )
    }
    rt.state = state
    rt.message = message
    rt.fix = fix
  }

  status(): BackendsStatus {
    const profile = this.profile
    const active = this.activeTargets()
    const tasks: TaskStatus[] = TASKS.map((task) => {
      try {
        const sel = this.peek(task)
        const t: TaskStatus = {
          task,
          endpointId: sel.endpointId,
          model: sel.model,
          tier: sel.tier,
          fallback: sel.tier > 0,
        }
        if (sel.tier > 0) {
          const first = profile.tasks[task].chain[0]
          const why = first?.endpoints.map((e) => {
            const rt = this.endpoints.get(e)
            return rt ? `${e}: ${this.unusable(rt, first.model) ?? rt.state}` : e
          })
          if (why) t.reason = why.join('; ')
        }
        return t
      } catch (err) {
        return {
          task,
          endpointId: null,
          model: null,
          tier: null,
          fallback: false,
          reason: this.redact(err instanceof Error ? err.message : String(err)),
        }
      }
    })
    const endpoints: EndpointStatus[] = [...active.keys()].flatMap((id) => {
      const rt = this.endpoints.get(id)
      if (!rt) return []
      const s: EndpointStatus = {
        id,
        kind: rt.config.kind,
        label: rt.config.label ?? id,
        url: rt.config.url ?? rt.config.modelsDir ?? '(in-process)',
        state: rt.state,
        message: rt.message,
        breaker: rt.breaker.state,
        retryAt: rt.breaker.retryAt,
        latencyP50Ms: rt.latency.quantile(0.5),
        inFlight: rt.inFlight,
        gpuLoadPercent: this.gpuLoad?.({ id, kind: rt.config.kind, url: rt.config.url }) ?? null,
        hasToken: this.opts.tokens.hasToken(id),
        checkedAt: rt.checkedAt,
      }
      if (rt.fix) s.fix = rt.fix
      return [s]
    })
    return {
      profile: this.settings.profile,
      network: profile.network,
      tasks,
      endpoints,
      updatedAt: this.now(),
    }
  }

  /** select() without advancing round-robin turns (status and getters must not perturb balancing). */
  peek(task: Task): Selection {
    const saved = new Map(this.turns)
    try {
      return this.select(task)
    } finally {
      this.turns.clear()
      for (const [k, v] of saved) this.turns.set(k, v)
    }
  }

  private emitIfChanged(): void {
    if (this.listeners.size === 0 || this.disposed) return
    const s = this.status()
    // Latency and timestamps change on every request; only states and routes make an event.
    const sig = JSON.stringify([
      s.profile,
      s.tasks,
      s.endpoints.map((e) => [e.id, e.state, e.message, e.fix, e.breaker, e.hasToken]),
    ])
    if (sig === this.lastSignature) return
    this.lastSignature = sig
    for (const l of this.listeners) {
      try {
        l(s)
      } catch {
        // a broken listener must not break routing
      }
    }
  }

  /** Removes known tokens from text that may have come from a server (an echoed header). */
  redact(text: string): string {
    return this.opts.tokens.redact(text)
  }

  private log(level: 'info' | 'warn', message: string): void {
    this.opts.log?.(level, this.redact(message))
  }

  async dispose(): Promise<void> {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.listeners.clear()
    const all = [...this.completions.values()]
    this.completions.clear()
    this.embedders.clear()
    await Promise.all(all.map((p) => p.dispose().catch(() => undefined)))
  }
}
