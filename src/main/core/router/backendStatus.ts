import type { BackendsStatus, EndpointStatus, TaskStatus } from '@shared/contract/settings'
import { TASKS, type Settings, type Task } from '@shared/settings/schema'
import type { TokenStore } from '../secrets/tokenStore'
import type { EndpointRuntime } from './endpointRuntime'
import { unusable } from './endpointSelector'
import type { EndpointRef, Selection } from './selection'

export interface StatusSource {
  settings: Settings
  endpoints: ReadonlyMap<string, EndpointRuntime>
  /** Endpoints the active profile uses (HealthMonitor.activeTargets). */
  active: ReadonlyMap<string, unknown>
  peek: (task: Task) => Selection
  tokens: Pick<TokenStore, 'hasToken'>
  gpuLoad: (e: EndpointRef) => number | undefined
  redact: (text: string) => string
  now: number
}

/** Where each task goes now and how each endpoint of the active profile is, for the UI. */
export function backendsStatus(src: StatusSource): BackendsStatus {
  const profile = src.settings.profiles[src.settings.profile]
  const tasks: TaskStatus[] = TASKS.map((task) => {
    try {
      const sel = src.peek(task)
      const t: TaskStatus = {
        task,
        endpointId: sel.endpointId,
        model: sel.model,
        tier: sel.tier,
        fallback: sel.tier > 0,
      }
      if (sel.tier > 0) {
        const first = profile?.tasks[task].chain[0]
        const why = first?.endpoints.map((e) => {
          const rt = src.endpoints.get(e)
          return rt ? `${e}: ${unusable(rt, first.model) ?? rt.state}` : e
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
        reason: src.redact(err instanceof Error ? err.message : String(err)),
      }
    }
  })
  const endpoints: EndpointStatus[] = [...src.active.keys()].flatMap((id) => {
    const rt = src.endpoints.get(id)
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
      gpuLoadPercent: src.gpuLoad({ id, kind: rt.config.kind, url: rt.config.url }) ?? null,
      hasToken: src.tokens.hasToken(id),
      checkedAt: rt.checkedAt,
    }
    if (rt.fix) s.fix = rt.fix
    if (rt.missing.size > 0) s.missingModels = [...rt.missing]
    return [s]
  })
  return {
    profile: src.settings.profile,
    network: profile?.network ?? 'any',
    tasks,
    endpoints,
    updatedAt: src.now,
  }
}

/** Status listeners, told only when a state or a route changed (not on every latency sample). */
export class StatusListeners {
  private readonly listeners = new Set<(s: BackendsStatus) => void>()
  private lastSignature = ''

  add(listener: (s: BackendsStatus) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get size(): number {
    return this.listeners.size
  }

  /** `status` is computed only when someone listens. */
  emitIfChanged(status: () => BackendsStatus): void {
    if (this.listeners.size === 0) return
    const s = status()
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

  clear(): void {
    this.listeners.clear()
  }
}
