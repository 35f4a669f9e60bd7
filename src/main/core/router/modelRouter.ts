import type { BackendsStatus, EndpointModels } from '@shared/contract/settings'
import { HearthError } from '@shared/errors'
import type { BackendState } from '@shared/contract/settings'
import type { Profile, Settings, Task } from '@shared/settings/schema'
import { classifyFailure } from '../health/classifyFailure'
import type { ChatProvider } from '../inference/chat/chatTypes'
import type { Embedder } from '../inference/embedder'
import type { CompletionProvider } from '../inference/fimTypes'
import type { ProviderFactory } from '../inference/providerFactory'
import { allowAllPolicy, loopbackOnlyPolicy, offlineRefusal } from '../net/connectionPolicy'
import type { HttpClient } from '../net/httpClient'
import type { TokenStore } from '../secrets/tokenStore'
import { backendsStatus, StatusListeners } from './backendStatus'
import { EndpointRuntime } from './endpointRuntime'
import { EndpointSelector } from './endpointSelector'
import { HealthMonitor } from './healthMonitor'
import { listModels } from './listModels'
import { ModelStatsTable } from './modelStats'
import { ProviderCache } from './providerCache'
import { RoutedChat } from './routedChat'
import { RoutedCompletionProvider, type PromptRenderer } from './routedCompletionProvider'
import { RoutedEmbedder } from './routedEmbedder'
import { rerenderForModel } from './rerenderPrompt'
import type { EndpointRef, RouteSelector, Selection, Ticket } from './selection'
import type { RuleHints } from './sizeRule'
import { beginTicket } from './tickets'
import type { Disposable } from '../base/lifecycle'

export type { EndpointRef, Selection, Ticket } from './selection'

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
  /** Run periodic health checks (default true). Tests and one-shot commands drive `checkAll()`. */
  monitor?: boolean
}

/**
 * The model router: for each task of the active profile, walks the fallback chain (e.g. Triton →
 * Ollama → embedded) to the first tier with a usable endpoint (EndpointSelector), builds and
 * keeps its providers (ProviderCache, from the one ProviderFactory), and keeps per-endpoint
 * health (HealthMonitor, circuit breakers, distinct failure states) and per-model stats.
 * Settings changes apply at once — including the offline profile's loopback-only policy on the
 * shared HTTP client.
 */
export class ModelRouter implements Disposable, RouteSelector {
  private settings: Settings
  private readonly endpoints = new Map<string, EndpointRuntime>()
  private readonly listeners = new StatusListeners()
  private readonly routed = new Map<string, RoutedCompletionProvider>()
  private routedEmbedder: RoutedEmbedder | undefined
  private routedChat: RoutedChat | undefined
  private readonly pinnedEmbedders = new Map<string, RoutedEmbedder>()
  private readonly providers: ProviderCache
  private readonly selector: EndpointSelector
  private readonly health: HealthMonitor
  private disposed = false
  readonly stats = new ModelStatsTable()
  readonly now: () => number
  private gpuLoad: ModelRouterOptions['gpuLoad']

  constructor(private readonly opts: ModelRouterOptions) {
    this.now = opts.now ?? Date.now
    this.gpuLoad = opts.gpuLoad
    this.settings = opts.settings
    const load = (e: EndpointRef): number | undefined => this.gpuLoad?.(e)
    this.providers = new ProviderCache(opts.factory, (sel) => this.token(sel))
    this.selector = new EndpointSelector({
      endpoints: this.endpoints,
      settings: () => this.settings,
      profile: () => this.profile,
      stats: this.stats,
      gpuLoad: load,
    })
    this.health = new HealthMonitor({
      http: opts.http,
      tokens: opts.tokens,
      endpoints: this.endpoints,
      settings: () => this.settings,
      profile: () => this.profile,
      now: this.now,
      setState: (rt, state, message, fix) => this.setState(rt, state, message, fix),
      changed: () => this.emitIfChanged(),
      redact: (t) => this.redact(t),
      periodic: opts.monitor !== false,
    })
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
    const offline = this.profile.network === 'loopback-only'
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
        this.providers.drop(id)
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
        this.providers.drop(id)
      }
    }
    this.emitIfChanged()
    this.health.restart()
  }

  /** A token was set or cleared: rebuild that endpoint's providers and check it again. */
  tokenChanged(endpointId: string): void {
    const rt = this.endpoints.get(endpointId)
    if (!rt) return
    this.providers.drop(endpointId)
    if (rt.state !== 'blocked') rt.reset()
    this.emitIfChanged()
    if (this.opts.monitor !== false) void this.health.check(rt)
  }

  /** Where GPU load comes from (the resource monitor, which the core builds after the router). */
  setGpuLoad(fn: ModelRouterOptions['gpuLoad']): void {
    this.gpuLoad = fn
  }

  onStatus(listener: (s: BackendsStatus) => void): () => void {
    return this.listeners.add(listener)
  }

  // ---- selection (EndpointSelector) ------------------------------------------------------

  select(task: Task, hints: RuleHints = {}, exclude?: ReadonlySet<string>): Selection {
    return this.selector.select(task, hints, exclude)
  }

  selectInTier(
    task: Task,
    ti: number,
    hints: RuleHints = {},
    exclude?: ReadonlySet<string>,
    reasons: string[] = [],
  ): Selection | undefined {
    return this.selector.selectInTier(task, ti, hints, exclude, reasons)
  }

  peek(task: Task, hints: RuleHints = {}): Selection {
    return this.selector.peek(task, hints)
  }

  /** Breaker state of one endpoint (retry loops stop once it opens). */
  peekBreaker(endpointId: string): 'closed' | 'open' | 'half_open' | undefined {
    return this.endpoints.get(endpointId)?.breaker.state
  }

  // ---- providers (ProviderCache) ---------------------------------------------------------

  providerFor(sel: Selection): CompletionProvider {
    return this.providers.completion(sel)
  }

  embedderFor(sel: Selection): Embedder {
    return this.providers.embedder(sel)
  }

  chatProviderFor(sel: Selection): ChatProvider {
    return this.providers.chat(sel)
  }

  /** The chat and reasoning tasks' route (stable object). */
  chat(): RoutedChat {
    this.routedChat ??= new RoutedChat(this)
    return this.routedChat
  }

  /** The task's route (stable object: hand it to the completion service; it plans each request). */
  completionProvider(task: Task = 'completion'): RoutedCompletionProvider {
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

  // ---- requests and health ---------------------------------------------------------------

  begin(sel: Selection): Ticket {
    return beginTicket(sel, {
      rt: this.endpoints.get(sel.endpointId),
      stats: this.stats,
      setState: (rt, state, message, fix) => this.setState(rt, state, message, fix),
      changed: () => this.emitIfChanged(),
      breakerOpened: () => this.health.schedule(),
      redact: (t) => this.redact(t),
    })
  }

  /** Endpoints the active profile uses, with the models it needs from each. */
  activeTargets(): Map<string, Set<string>> {
    return this.health.activeTargets()
  }

  /** Checks every endpoint of the active profile now (parallel); resolves when all are done. */
  async checkAll(): Promise<BackendsStatus> {
    await this.health.checkAll()
    return this.status()
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

  private setState(rt: EndpointRuntime, state: BackendState, message: string, fix?: string): void {
    if (rt.state !== state) {
      // The first check finding a backend absent is how a fresh install looks (no model yet, no
      // Ollama): the status bar and the getting-started page say it; a warning is for a change.
      const firstFinding = rt.state === 'unknown' && state !== 'ok'
      this.log(
        state === 'ok' || firstFinding ? 'info' : 'warn',
        `${rt.id} (${rt.config.kind}): ${rt.state} → ${state}: ${message}`,
      )
    }
    rt.state = state
    rt.message = message
    rt.fix = fix
  }

  status(): BackendsStatus {
    return backendsStatus({
      settings: this.settings,
      endpoints: this.endpoints,
      active: this.activeTargets(),
      peek: (task) => this.peek(task),
      tokens: this.opts.tokens,
      gpuLoad: (e) => this.gpuLoad?.(e),
      redact: (t) => this.redact(t),
      now: this.now(),
    })
  }

  private emitIfChanged(): void {
    if (this.disposed) return
    this.listeners.emitIfChanged(() => this.status())
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
    this.health.dispose()
    this.listeners.clear()
    await this.providers.dispose()
  }
}
