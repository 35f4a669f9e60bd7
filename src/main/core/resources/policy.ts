import type { ResourceOverrides, ResourceSnapshot, ThermalState } from '@shared/contract/resources'
import { FULL_SPEED, type Budgets } from './budgets'

/**
 * The throttle policy: a pure function from (snapshot, activity, previous state, overrides) to
 * budgets. No clock, no I/O — `now` comes in — so every rule is a row in a table test.
 *
 * Threshold conditions (battery low, CPU busy, memory pressure, CPU hot, remote busy) have two
 * thresholds (enter/leave) and a minimum dwell time: once a condition flips it holds at least
 * `minDwellMs`, so a reading that hovers around a threshold cannot make the indexer flap.
 * Plugging in is the exception — AC clears "battery low" at once, the user expects it.
 */
export interface PolicyConfig {
  battery: { enterLowPercent: number; leaveLowPercent: number }
  /** Load from OTHER processes (machine load minus ours), so our own indexing cannot throttle itself into a loop. */
  cpu: { enterBusyPercent: number; leaveBusyPercent: number }
  memory: { enterPercent: number; leavePercent: number }
  /** CPU package temperature where the OS gives no thermal state (Linux). */
  temperature: { seriousC: number; criticalC: number; hysteresisC: number }
  /** Electron speed limit at or below which we treat the machine as thermally throttled. */
  speedLimitSeriousPercent: number
  /** A remote GPU this busy, or this many queued requests, stops speculation aimed at it. */
  remote: { enterBusyPercent: number; leaveBusyPercent: number; busyPendingRequests: number }
  minDwellMs: number
  /** Background work resumes this long after the last keystroke. */
  typingResumeMs: number
}

export const DEFAULT_POLICY_CONFIG: PolicyConfig = {
  battery: { enterLowPercent: 20, leaveLowPercent: 25 },
  cpu: { enterBusyPercent: 85, leaveBusyPercent: 70 },
  memory: { enterPercent: 92, leavePercent: 85 },
  temperature: { seriousC: 85, criticalC: 95, hysteresisC: 5 },
  speedLimitSeriousPercent: 50,
  remote: { enterBusyPercent: 95, leaveBusyPercent: 80, busyPendingRequests: 8 },
  minDwellMs: 15_000,
  typingResumeMs: 1_500,
}

export const DEFAULT_OVERRIDES: ResourceOverrides = { pauseIndexing: false, batterySaver: 'auto' }

export interface Activity {
  /** Last keystroke / edit / completion request in the editor (ms), null if none yet. */
  lastKeystrokeAt: number | null
}

export interface Cond {
  on: boolean
  /** When it last flipped; -Infinity if it never has (it started off). */
  since: number
}

export type HotLevel = 'none' | 'serious' | 'critical'

/** What the policy remembers between evaluations (hysteresis). Plain data. */
export interface PolicyState {
  lowBattery: Cond
  busyCpu: Cond
  memoryPressure: Cond
  remoteBusy: Cond
  hot: { level: HotLevel; since: number }
}

export interface PolicyInput {
  now: number
  snapshot: ResourceSnapshot
  activity: Activity
  previous: PolicyState | null
  overrides: ResourceOverrides
  config?: PolicyConfig
}

export interface PolicyResult {
  budgets: Budgets
  /** The main cause (also budgets.background.reason). */
  reason: string
  /** Every condition in force, most important first. */
  conditions: string[]
  state: PolicyState
  /** The result may change at this time without new input (typing ends, a dwell expires): evaluate again then. */
  reevaluateAt: number | null
}

interface Step {
  cond: Cond
  /** A flip is wanted but the dwell time holds it back until then. */
  pendingAt: number | null
}

/** Two-threshold switch with a minimum dwell. `value` null = unknown = no reason to be on. */
export function hysteresis(
  prev: Cond | undefined,
  value: number | null,
  isEnter: (v: number) => boolean,
  isLeave: (v: number) => boolean,
  now: number,
  dwellMs: number,
): Step {
  const want = prev?.on ? !(value === null || isLeave(value)) : value !== null && isEnter(value)
  // "Off since forever" on the first evaluation: the first real flip must not wait out a dwell.
  if (!prev) return { cond: { on: want, since: want ? now : Number.NEGATIVE_INFINITY }, pendingAt: null }
  if (want === prev.on) return { cond: prev, pendingAt: null }
  if (now - prev.since < dwellMs) return { cond: prev, pendingAt: prev.since + dwellMs }
  return { cond: { on: want, since: now }, pendingAt: null }
}

const THERMAL_RANK: Record<ThermalState, number> = { unknown: 0, nominal: 0, fair: 0, serious: 1, critical: 2 }
const LEVELS: HotLevel[] = ['none', 'serious', 'critical']

function hotLevel(s: ResourceSnapshot, prev: PolicyState['hot'] | undefined, c: PolicyConfig, now: number): Step & { level: HotLevel } {
  // The OS thermal state already has its own hysteresis; a raw temperature needs ours.
  let tempRank = 0
  if (s.cpuTempC !== null) {
    const prevRank = prev ? LEVELS.indexOf(prev.level) : 0
    const { seriousC, criticalC, hysteresisC } = c.temperature
    const up = s.cpuTempC >= criticalC ? 2 : s.cpuTempC >= seriousC ? 1 : 0
    const down = s.cpuTempC >= criticalC - hysteresisC ? 2 : s.cpuTempC >= seriousC - hysteresisC ? 1 : 0
    tempRank = Math.max(up, Math.min(prevRank, down))
  }
  const speedRank = s.speedLimitPercent !== null && s.speedLimitPercent <= c.speedLimitSeriousPercent ? 1 : 0
  const level = LEVELS[Math.max(THERMAL_RANK[s.thermalState], tempRank, speedRank)] ?? 'none'
  if (!prev || prev.level === level) {
    const since = prev?.since ?? (level === 'none' ? Number.NEGATIVE_INFINITY : now)
    return { cond: { on: level !== 'none', since }, level, pendingAt: null }
  }
  // Getting hotter acts at once (protect the hardware); cooling down waits out the dwell.
  if (LEVELS.indexOf(level) > LEVELS.indexOf(prev.level) || now - prev.since >= c.minDwellMs) {
    return { cond: { on: level !== 'none', since: now }, level, pendingAt: null }
  }
  return { cond: { on: prev.level !== 'none', since: prev.since }, level: prev.level, pendingAt: prev.since + c.minDwellMs }
}

const pct = (v: number | null): string => (v === null ? '?' : `${Math.round(v)} %`)

export function evaluatePolicy(input: PolicyInput): PolicyResult {
  const { now, snapshot: s, activity, previous: prev, overrides } = input
  const c = input.config ?? DEFAULT_POLICY_CONFIG
  const pending: number[] = []
  const track = (st: Step): Cond => {
    if (st.pendingAt !== null) pending.push(st.pendingAt)
    return st.cond
  }

  // --- conditions -----------------------------------------------------------------------
  const batteryValue = s.onBattery ? s.battery.percent : null
  let lowBattery = track(
    hysteresis(prev?.lowBattery, batteryValue, (v) => v <= c.battery.enterLowPercent, (v) => v >= c.battery.leaveLowPercent, now, c.minDwellMs),
  )
  if (!s.onBattery && lowBattery.on) lowBattery = { on: false, since: now }

  const foreignCpu = s.cpuLoadPercent === null ? null : Math.max(0, s.cpuLoadPercent - (s.ownCpuPercent ?? 0))
  const busyCpu = track(
    hysteresis(prev?.busyCpu, foreignCpu, (v) => v >= c.cpu.enterBusyPercent, (v) => v <= c.cpu.leaveBusyPercent, now, c.minDwellMs),
  )
  const memoryPressure = track(
    hysteresis(prev?.memoryPressure, s.memUsedPercent, (v) => v >= c.memory.enterPercent, (v) => v <= c.memory.leavePercent, now, c.minDwellMs),
  )
  const remoteGpus = s.gpus.filter((g) => g.source !== 'local' && g.utilizationPercent !== null)
  const remoteUtil = remoteGpus.length ? Math.min(...remoteGpus.map((g) => g.utilizationPercent ?? 0)) : null
  const queued = s.remotes.reduce((a, r) => a + (r.pendingRequests ?? 0), 0)
  const remoteValue = queued >= c.remote.busyPendingRequests ? 100 : remoteUtil
  const remoteBusy = track(
    hysteresis(prev?.remoteBusy, remoteValue, (v) => v >= c.remote.enterBusyPercent, (v) => v <= c.remote.leaveBusyPercent, now, c.minDwellMs),
  )
  const hotStep = hotLevel(s, prev?.hot, c, now)
  if (hotStep.pendingAt !== null) pending.push(hotStep.pendingAt)
  const hot = { level: hotStep.level, since: hotStep.cond.since }

  const typingUntil = activity.lastKeystrokeAt === null ? null : activity.lastKeystrokeAt + c.typingResumeMs
  const typing = typingUntil !== null && now < typingUntil
  if (typing && typingUntil !== null) pending.push(typingUntil)

  const saver = overrides.batterySaver
  const batteryLow = saver === 'on' || (saver === 'auto' && lowBattery.on)
  const onBatterySlow = saver === 'auto' && s.onBattery && !lowBattery.on

  // --- budgets: start at full speed, each condition only ever lowers ------------------------
  const bg = { ...FULL_SPEED.background }
  const completion = { ...FULL_SPEED.completion }
  const pausedBy: string[] = []
  const slowedBy: string[] = []
  const lower = (b: Partial<typeof bg>, comp: Partial<typeof completion> = {}): void => {
    if (b.indexConcurrency !== undefined) bg.indexConcurrency = Math.min(bg.indexConcurrency, b.indexConcurrency)
    if (b.embedBatchSize !== undefined) bg.embedBatchSize = Math.min(bg.embedBatchSize, b.embedBatchSize)
    if (b.embedPerMinute !== undefined) bg.embedPerMinute = Math.min(bg.embedPerMinute, b.embedPerMinute)
    if (b.embedDutyCycle !== undefined) bg.embedDutyCycle = Math.min(bg.embedDutyCycle ?? 1, b.embedDutyCycle)
    if (b.prefetch === false) bg.prefetch = false
    if (b.prefetchMinConfidence !== undefined) {
      bg.prefetchMinConfidence = Math.max(bg.prefetchMinConfidence ?? 0, b.prefetchMinConfidence)
    }
    if (comp.maxTokens !== undefined) completion.maxTokens = Math.min(completion.maxTokens, comp.maxTokens)
    if (comp.debounceMs !== undefined) completion.debounceMs = Math.max(completion.debounceMs, comp.debounceMs)
  }

  if (overrides.pauseIndexing) {
    pausedBy.push('indexing paused by you')
    lower({ embedPerMinute: 0 })
  }
  if (hot.level === 'critical') {
    pausedBy.push(s.thermalState === 'critical' ? 'thermal state critical' : `CPU critical (${hotCause(s)})`)
    lower({ embedPerMinute: 0, prefetch: false, indexConcurrency: 1, embedBatchSize: 4 }, { maxTokens: 32, debounceMs: 250 })
  }
  if (batteryLow) {
    pausedBy.push(saver === 'on' ? 'battery saver on' : `battery low (${pct(s.battery.percent)})`)
    lower({ embedPerMinute: 0, prefetch: false, indexConcurrency: 1, embedBatchSize: 8 }, { maxTokens: 48, debounceMs: 150 })
  }
  if (typing) pausedBy.push('paused while you type')
  if (hot.level === 'serious') {
    slowedBy.push(`too hot (${hotCause(s)})`)
    lower(
      { indexConcurrency: 1, embedBatchSize: 8, embedPerMinute: 30, embedDutyCycle: 0.25, prefetch: false },
      { maxTokens: 64, debounceMs: 125 },
    )
  }
  if (busyCpu.on) {
    slowedBy.push(`other apps busy (CPU ${pct(foreignCpu)})`)
    lower({ indexConcurrency: 1, embedBatchSize: 8, embedPerMinute: 120, embedDutyCycle: 0.5, prefetchMinConfidence: 0.6 })
  }
  if (memoryPressure.on) {
    slowedBy.push(`memory low (${pct(s.memUsedPercent)} used)`)
    // Smaller batches hold less at once; warming a model's cache would load it into memory.
    lower({ indexConcurrency: 1, embedBatchSize: 4, prefetch: false })
  }
  if (onBatterySlow) {
    slowedBy.push(`on battery (${pct(s.battery.percent)})`)
    // A fifth of the time at most: the battery-vs-AC embedding CPU target is ≤ 0.25.
    lower(
      { indexConcurrency: 1, embedBatchSize: 8, embedPerMinute: 60, embedDutyCycle: 0.2, prefetchMinConfidence: 0.6 },
      { maxTokens: 64, debounceMs: 100 },
    )
  }
  if (remoteBusy.on) {
    slowedBy.push('remote GPU busy')
    lower({ prefetch: false })
  }

  bg.paused = pausedBy.length > 0
  const conditions = [...pausedBy, ...slowedBy]
  const reason = conditions[0] ?? 'full speed'
  bg.reason = reason
  return {
    budgets: { background: bg, completion },
    reason,
    conditions,
    state: { lowBattery, busyCpu, memoryPressure, remoteBusy, hot },
    reevaluateAt: pending.length ? Math.min(...pending) : null,
  }
}

function hotCause(s: ResourceSnapshot): string {
  if (THERMAL_RANK[s.thermalState] > 0) return `thermal state ${s.thermalState}`
  if (s.cpuTempC !== null) return `${Math.round(s.cpuTempC)} °C`
  return `speed limited to ${pct(s.speedLimitPercent)}`
}

export const budgetsEqual = (a: Budgets, b: Budgets): boolean =>
  JSON.stringify(a, infinityReplacer) === JSON.stringify(b, infinityReplacer)

const infinityReplacer = (_k: string, v: unknown): unknown => (v === Infinity ? 'Infinity' : v)
