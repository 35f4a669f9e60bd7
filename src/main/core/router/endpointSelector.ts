import { HearthError } from '@shared/errors'
import type { Profile, Settings, Task } from '@shared/settings/schema'
import { pickEndpoint, type Candidate } from './balancer'
import type { EndpointRuntime } from './endpointRuntime'
import type { ModelStatsTable } from './modelStats'
import type { EndpointRef, Selection } from './selection'
import { chooseModel, type RuleHints } from './sizeRule'

export interface EndpointSelectorDeps {
  endpoints: ReadonlyMap<string, EndpointRuntime>
  settings: () => Settings
  profile: () => Profile
  stats: ModelStatsTable
  /** GPU utilisation (0–100) behind an endpoint; undefined = unknown. */
  gpuLoad: (e: EndpointRef) => number | undefined
}

/**
 * Chooses where a request goes: walks the task's fallback chain to the first tier with a usable
 * endpoint, applies the size and latency rule to the tier's model, and balances among the
 * tier's endpoints with the profile's strategy (round-robin turns kept per task and tier).
 */
export class EndpointSelector {
  private readonly turns = new Map<string, number>()

  constructor(private readonly deps: EndpointSelectorDeps) {}

  /**
   * Where a `task` request goes now. Throws HearthError('unavailable') naming why each tier is
   * unusable when nothing can serve it. `exclude`: endpoints already tried by this request.
   */
  select(task: Task, hints: RuleHints = {}, exclude?: ReadonlySet<string>): Selection {
    const route = this.deps.profile().tasks[task]
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
    const profile = this.deps.profile()
    const route = profile.tasks[task]
    const tier = route.chain[ti]
    if (!tier) return undefined
    const rule = ti === 0 ? route.rule : undefined
    const p95 = (model: string): number | null => {
      const vals = tier.endpoints
        .map((e) => this.deps.stats.quantile(e, model, 0.95))
        .filter((v): v is number => v !== null)
      return vals.length ? Math.min(...vals) : null
    }
    const chosen = chooseModel(tier.model, rule, hints, p95)
    // The rule's model may be missing where the tier's own is not: fall back to the tier's model.
    const models = chosen.model === tier.model ? [tier.model] : [chosen.model, tier.model]
    for (const model of models) {
      const candidates: Candidate[] = []
      for (const eid of tier.endpoints) {
        const rt = this.deps.endpoints.get(eid)
        if (!rt || exclude?.has(eid)) continue
        const why = unusable(rt, model)
        if (why) {
          reasons.push(`${eid}: ${why}`)
          continue
        }
        candidates.push({
          id: eid,
          inFlight: rt.inFlight,
          latencyMs: rt.latency.quantile(0.5),
          gpuLoad: this.deps.gpuLoad({ id: eid, kind: rt.config.kind, url: rt.config.url }),
          slow: rt.state === 'slow',
        })
      }
      if (candidates.length === 0) continue
      const key = `${task}:${ti}`
      const turn = this.turns.get(key) ?? 0
      this.turns.set(key, turn + 1)
      const pick = pickEndpoint(candidates, profile.balancing, turn, {
        gpuBusyPercent: this.deps.settings().resources.gpuBusyPercent,
      })
      const rt = pick ? this.deps.endpoints.get(pick.id) : undefined
      if (!pick || !rt) continue
      const sel: Selection = { task, tier: ti, endpointId: pick.id, endpoint: rt.config, model }
      if (model === chosen.model && chosen.why) sel.why = chosen.why
      return sel
    }
    return undefined
  }

  /** select() without advancing round-robin turns (status and getters must not perturb balancing). */
  peek(task: Task, hints: RuleHints = {}): Selection {
    const saved = new Map(this.turns)
    try {
      return this.select(task, hints)
    } finally {
      this.turns.clear()
      for (const [k, v] of saved) this.turns.set(k, v)
    }
  }
}

/** Why an endpoint cannot serve `model` now, or undefined when it can. */
export function unusable(rt: EndpointRuntime, model: string): string | undefined {
  // The refusal names the host ("offline profile: dgx.lan is not a loopback address; …").
  if (rt.state === 'blocked')
    return rt.message.startsWith('offline profile') ? rt.message : 'blocked by the offline profile'
  if (rt.state === 'unauthorized') return 'unauthorized'
  if (rt.missing.has(model)) return `model "${model}" missing${rt.fix ? ` (${rt.fix})` : ''}`
  const b = rt.breaker.state
  if (b !== 'closed') return `${rt.state} (circuit ${b === 'open' ? 'open' : 'probing'})`
  return undefined
}
