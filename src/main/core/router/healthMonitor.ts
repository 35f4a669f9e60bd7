import type { BackendState } from '@shared/contract/settings'
import { TASKS, type Profile, type Settings } from '@shared/settings/schema'
import { checkEndpoint, type CheckTarget } from '../health/checkEndpoint'
import type { HttpClient } from '../net/httpClient'
import type { TokenStore } from '../secrets/tokenStore'
import type { EndpointRuntime } from './endpointRuntime'
import type { Disposable } from '../base/lifecycle'

const REACHABLE: ReadonlySet<string> = new Set(['ok', 'slow', 'model_missing'])

export interface HealthMonitorDeps {
  http: HttpClient
  tokens: TokenStore
  endpoints: ReadonlyMap<string, EndpointRuntime>
  settings: () => Settings
  profile: () => Profile
  now: () => number
  setState: (rt: EndpointRuntime, state: BackendState, message: string, fix?: string) => void
  /** Something an observer may want changed: emit a status event if it did. */
  changed: () => void
  redact: (text: string) => string
  /** Periodic checks on (the app) or off (tests and one-shot CLI commands drive `checkAll`). */
  periodic: boolean
}

/**
 * Health checks of the active profile's endpoints: one check per endpoint at a time (shared by
 * concurrent callers), the half-open probe of an open breaker, and a timer that wakes for the
 * next check or breaker retry that is due. The timer never keeps a process alive.
 */
export class HealthMonitor implements Disposable {
  private timer: NodeJS.Timeout | undefined
  private disposed = false

  constructor(private readonly deps: HealthMonitorDeps) {}

  /** Endpoints the active profile uses, with the models it needs from each. */
  activeTargets(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>()
    const profile = this.deps.profile()
    for (const task of TASKS) {
      const route = profile.tasks[task]
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
  async checkAll(): Promise<void> {
    const runtimes = [...this.activeTargets().keys()]
      .map((id) => this.deps.endpoints.get(id))
      .filter((rt) => rt !== undefined)
    await Promise.all(runtimes.map((rt) => this.check(rt)))
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
    const token = this.deps.tokens.lookup(rt.id, rt.config.url)
    if (token.status === 'other_origin') {
      if (probe) rt.breaker.release()
      this.deps.setState(
        rt,
        'unauthorized',
        `the token was saved for ${token.savedFor}, not ${rt.config.url ?? ''}; it is not sent there`,
        'enter the token again for this URL in Settings → Endpoints',
      )
      this.deps.changed()
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
    const h = this.deps.settings().health
    const result = await checkEndpoint(this.deps.http, target, { timeoutMs: h.timeoutMs, slowMs: h.slowMs })
    if (gen !== rt.generation || this.disposed) return
    rt.checkedAt = this.deps.now()
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
    this.deps.setState(rt, result.state, this.deps.redact(result.message), result.fix)
    this.deps.changed()
    this.schedule()
  }

  /** Sets the timer for the next check or breaker retry that is due. */
  schedule(): void {
    if (!this.deps.periodic || this.disposed) return
    if (this.timer) clearTimeout(this.timer)
    const now = this.deps.now()
    const interval = this.deps.settings().health.intervalMs
    let next = now + interval
    for (const id of this.activeTargets().keys()) {
      const rt = this.deps.endpoints.get(id)
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

  /** Settings applied: check everything now and keep checking (when periodic). */
  restart(): void {
    if (!this.deps.periodic) return
    void this.checkAll()
    this.schedule()
  }

  private async tick(): Promise<void> {
    const now = this.deps.now()
    const interval = this.deps.settings().health.intervalMs
    const due: Promise<void>[] = []
    for (const id of this.activeTargets().keys()) {
      const rt = this.deps.endpoints.get(id)
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

  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
  }
}
