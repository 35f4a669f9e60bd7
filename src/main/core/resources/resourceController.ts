import type { ResourceOverrides, ResourceSnapshot, ResourceState } from '@shared/contract/resources'
import type { HearthMetrics } from '../metrics/hearthMetrics'
import type { BudgetConsumer, Budgets } from './budgets'
import { toBudgetsWire } from './budgetsWire'
import type { Probe } from './probes/probe'
import {
  budgetsEqual,
  DEFAULT_OVERRIDES,
  DEFAULT_POLICY_CONFIG,
  evaluatePolicy,
  type PolicyConfig,
  type PolicyResult,
  type PolicyState,
} from './policy'
import type { Disposable } from '../base/lifecycle'

/** The part of ResourceMonitor the controller uses (a test can hand in a scripted one). */
export interface SnapshotSource {
  start(): void
  snapshot(): ResourceSnapshot
  onSnapshot(listener: (s: ResourceSnapshot, cause: string) => void): () => void
  /** User activity: leave idle-quiet sampling. */
  wake(): void
  /** Replaces the remote probes (ResourceMonitor has it; a scripted source may not). */
  setRemoteProbes?(probes: Probe[]): void
  dispose(): void
}

/** Where `resources.state` goes (the core's EventBus satisfies it). */
export interface ResourceStateSink {
  emit(event: 'resources.state', payload: ResourceState): void
}

export type ActivityKind = 'keystroke' | 'edit' | 'completion'

/** What the completion service / editor glue call on every keystroke. Must stay cheap. */
export interface ActivitySink {
  noteActivity(kind?: ActivityKind): void
}

export interface ResourceControllerOptions {
  monitor: SnapshotSource
  events?: ResourceStateSink
  metrics?: HearthMetrics
  config?: PolicyConfig
  /** Initial overrides (persisted by settings); defaults: not paused, battery saver auto. */
  overrides?: Partial<ResourceOverrides>
  /** Called when the user changes an override, so settings can persist it. */
  onOverridesChange?: (o: ResourceOverrides) => void
  now?: () => number
}

/**
 * Runs the monitor, re-evaluates the pure policy on every snapshot, activity change and
 * override, and pushes budgets to the registered consumers (indexer, embed queue, prefetcher,
 * completion service) only when they actually change. Emits `resources.state` for the status bar.
 */
export class ResourceController implements Disposable, ActivitySink {
  private readonly consumers = new Set<BudgetConsumer>()
  private readonly activityListeners = new Set<(kind: ActivityKind, at: number) => void>()
  private readonly stateListeners = new Set<(state: ResourceState, budgets: Budgets) => void>()
  private readonly now: () => number
  private readonly config: PolicyConfig
  private overrides: ResourceOverrides
  private lastKeystrokeAt: number | null = null
  private policyState: PolicyState | null = null
  private result: PolicyResult
  private lastState: ResourceState
  private timer?: NodeJS.Timeout
  private timerAt: number | null = null
  private readonly offSnapshot: () => void
  private disposed = false

  constructor(private readonly opts: ResourceControllerOptions) {
    this.now = opts.now ?? Date.now
    this.config = opts.config ?? DEFAULT_POLICY_CONFIG
    this.overrides = { ...DEFAULT_OVERRIDES, ...opts.overrides }
    this.result = this.evaluate()
    this.lastState = this.toState(this.result)
    this.offSnapshot = opts.monitor.onSnapshot(() => this.update())
  }

  start(): void {
    this.opts.monitor.start()
    this.update()
  }

  /** Adds a consumer and hands it the current budgets at once. */
  register(consumer: BudgetConsumer): () => void {
    this.consumers.add(consumer)
    this.push(consumer, this.result.budgets)
    return () => this.consumers.delete(consumer)
  }

  budgets(): Budgets {
    return this.result.budgets
  }

  state(): ResourceState {
    return this.lastState
  }

  onState(listener: (state: ResourceState, budgets: Budgets) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  /** Keystroke listeners (the prefetcher cancels speculation on each). */
  onActivity(listener: (kind: ActivityKind, at: number) => void): () => void {
    this.activityListeners.add(listener)
    return () => this.activityListeners.delete(listener)
  }

  noteActivity(kind: ActivityKind = 'keystroke'): void {
    if (this.disposed) return
    const at = this.now()
    const wasTyping = this.lastKeystrokeAt !== null && at < this.lastKeystrokeAt + this.config.typingResumeMs
    this.lastKeystrokeAt = at
    for (const l of [...this.activityListeners]) l(kind, at)
    // Only the first keystroke of a burst re-runs the policy; the rest just move the deadline,
    // which the timer set for the end of typing picks up.
    if (!wasTyping) {
      this.opts.monitor.wake()
      this.update()
    }
  }

  /**
   * Watch these remote servers instead of the current ones (the active profile changed); the
   * system probes keep running. The snapshot drops the old servers' readings at once.
   */
  setRemoteProbes(probes: Probe[]): void {
    if (this.disposed) return
    if (!this.opts.monitor.setRemoteProbes) throw new Error('this snapshot source cannot change its probes')
    this.opts.monitor.setRemoteProbes(probes)
    this.update()
  }

  setOverrides(patch: Partial<ResourceOverrides>): ResourceState {
    const next = { ...this.overrides, ...patch }
    if (next.pauseIndexing !== this.overrides.pauseIndexing || next.batterySaver !== this.overrides.batterySaver) {
      this.overrides = next
      this.opts.onOverridesChange?.({ ...next })
      this.update()
    }
    return this.lastState
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.offSnapshot()
    if (this.timer) clearTimeout(this.timer)
    this.opts.monitor.dispose()
    this.consumers.clear()
    this.activityListeners.clear()
    this.stateListeners.clear()
  }

  private evaluate(): PolicyResult {
    return evaluatePolicy({
      now: this.now(),
      snapshot: this.opts.monitor.snapshot(),
      activity: { lastKeystrokeAt: this.lastKeystrokeAt },
      previous: this.policyState,
      overrides: this.overrides,
      config: this.config,
    })
  }

  /** Re-runs the policy; pushes budgets and emits state only on change. */
  private update(): void {
    if (this.disposed) return
    const prev = this.result
    const next = this.evaluate()
    this.policyState = next.state
    this.result = next
    this.scheduleReevaluation(next.reevaluateAt)
    const budgetsChanged = !budgetsEqual(prev.budgets, next.budgets)
    if (budgetsChanged) for (const c of [...this.consumers]) this.push(c, next.budgets)
    const state = this.toState(next)
    const summaryChanged =
      budgetsChanged ||
      next.conditions.join('|') !== prev.conditions.join('|') ||
      summaryKey(state) !== summaryKey(this.lastState)
    this.lastState = state
    this.recordGauges(state.snapshot, next.budgets)
    if (summaryChanged) {
      this.opts.events?.emit('resources.state', state)
      for (const l of [...this.stateListeners]) l(state, next.budgets)
    }
  }

  private scheduleReevaluation(at: number | null): void {
    if (at === this.timerAt) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.timerAt = at
    if (at === null) return
    this.timer = setTimeout(
      () => {
        this.timer = undefined
        this.timerAt = null
        this.update()
      },
      Math.max(0, at - this.now()),
    )
    this.timer.unref()
  }

  private push(consumer: BudgetConsumer, budgets: Budgets): void {
    try {
      consumer.setBudgets(budgets)
    } catch {
      // One broken consumer must not keep budgets from the others.
    }
  }

  private toState(r: PolicyResult): ResourceState {
    return {
      budgets: toBudgetsWire(r.budgets),
      reason: r.reason,
      conditions: r.conditions,
      snapshot: this.opts.monitor.snapshot(),
      overrides: { ...this.overrides },
      updatedAt: this.now(),
    }
  }

  private recordGauges(s: ResourceSnapshot, b: Budgets): void {
    const m = this.opts.metrics
    if (!m) return
    const set = (reading: string, v: number | null): void => {
      if (v !== null) m.resource.set({ reading }, v)
    }
    set('cpu_load', s.cpuLoadPercent === null ? null : s.cpuLoadPercent / 100)
    set('own_cpu', s.ownCpuPercent === null ? null : s.ownCpuPercent / 100)
    set('memory_used', s.memUsedPercent === null ? null : s.memUsedPercent / 100)
    set('battery', s.battery.percent === null ? null : s.battery.percent / 100)
    set('on_battery', s.onBattery ? 1 : 0)
    set('thermal_serious', s.thermalState === 'serious' || s.thermalState === 'critical' ? 1 : 0)
    m.budget.set({ knob: 'paused' }, b.background.paused ? 1 : 0)
    m.budget.set({ knob: 'index_concurrency' }, b.background.indexConcurrency)
    m.budget.set({ knob: 'embed_batch_size' }, b.background.embedBatchSize)
    m.budget.set({ knob: 'embed_per_minute' }, Number.isFinite(b.background.embedPerMinute) ? b.background.embedPerMinute : -1)
    m.budget.set({ knob: 'prefetch' }, b.background.prefetch ? 1 : 0)
    m.budget.set({ knob: 'completion_max_tokens' }, b.completion.maxTokens)
  }
}

/** What the status bar shows of a snapshot, coarsely, so a 1 % CPU wobble is not an event. */
function summaryKey(s: ResourceState): string {
  const r = s.snapshot
  const tenth = (v: number | null): string => (v === null ? '-' : String(Math.round(v / 10)))
  return [
    r.onBattery,
    r.battery.percent === null ? '-' : Math.round(r.battery.percent),
    r.thermalState,
    tenth(r.cpuLoadPercent),
    tenth(r.memUsedPercent),
    r.remotes.map((x) => `${x.kind}:${x.reachable}`).join(','),
    s.overrides.pauseIndexing,
    s.overrides.batterySaver,
  ].join('|')
}
