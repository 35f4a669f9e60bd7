import type { ResourceOverrides, ResourceSnapshot } from '@shared/contract/resources'
import { describe, expect, it } from 'vitest'
import { FULL_SPEED } from './budgets'
import { DEFAULT_OVERRIDES, evaluatePolicy, type PolicyResult, type PolicyState } from './policy'
import { snapshotOf } from './testSnapshot'

const battery = (percent: number, onBattery = true): Partial<ResourceSnapshot> => ({
  onBattery,
  battery: { present: true, percent, charging: !onBattery },
})

const run = (
  snap: Partial<ResourceSnapshot>,
  opts: { overrides?: Partial<ResourceOverrides>; lastKeystrokeAt?: number | null; now?: number; previous?: PolicyState | null } = {},
): PolicyResult =>
  evaluatePolicy({
    now: opts.now ?? 100_000,
    snapshot: snapshotOf(snap),
    activity: { lastKeystrokeAt: opts.lastKeystrokeAt ?? null },
    previous: opts.previous ?? null,
    overrides: { ...DEFAULT_OVERRIDES, ...opts.overrides },
  })

interface Row {
  name: string
  snap: Partial<ResourceSnapshot>
  overrides?: Partial<ResourceOverrides>
  lastKeystrokeAt?: number
  paused: boolean
  reason: RegExp
  indexConcurrency: number
  embedPerMinute: number
  prefetch: boolean
  maxTokens?: number
}

// now = 100 000 in every row.
const table: Row[] = [
  { name: 'AC, idle → full speed', snap: {}, paused: false, reason: /^full speed$/, indexConcurrency: 12, embedPerMinute: Infinity, prefetch: true, maxTokens: 128 },
  { name: 'typing (keystroke 500 ms ago) → paused', snap: {}, lastKeystrokeAt: 99_500, paused: true, reason: /while you type/, indexConcurrency: 12, embedPerMinute: Infinity, prefetch: true, maxTokens: 128 },
  { name: 'typing ended 1.5 s ago → resumes', snap: {}, lastKeystrokeAt: 98_500, paused: false, reason: /^full speed$/, indexConcurrency: 12, embedPerMinute: Infinity, prefetch: true },
  { name: 'on battery 60 % → slow embeddings, cautious prefetch', snap: battery(60), paused: false, reason: /on battery \(60 %\)/, indexConcurrency: 1, embedPerMinute: 60, prefetch: true, maxTokens: 64 },
  { name: 'on battery 15 % → paused, no prefetch', snap: battery(15), paused: true, reason: /battery low \(15 %\)/, indexConcurrency: 1, embedPerMinute: 0, prefetch: false, maxTokens: 48 },
  { name: 'battery 15 % but on AC → full speed', snap: battery(15, false), paused: false, reason: /^full speed$/, indexConcurrency: 12, embedPerMinute: Infinity, prefetch: true },
  { name: 'battery 60 %, saver on → as if low', snap: battery(60), overrides: { batterySaver: 'on' }, paused: true, reason: /battery saver on/, indexConcurrency: 1, embedPerMinute: 0, prefetch: false },
  { name: 'AC, saver on → still saving (user asked)', snap: {}, overrides: { batterySaver: 'on' }, paused: true, reason: /battery saver on/, indexConcurrency: 1, embedPerMinute: 0, prefetch: false },
  { name: 'battery 10 %, saver off → full speed', snap: battery(10), overrides: { batterySaver: 'off' }, paused: false, reason: /^full speed$/, indexConcurrency: 12, embedPerMinute: Infinity, prefetch: true },
  { name: 'thermal serious → backs off', snap: { thermalState: 'serious' }, paused: false, reason: /too hot \(thermal state serious\)/, indexConcurrency: 1, embedPerMinute: 30, prefetch: false, maxTokens: 64 },
  { name: 'thermal critical → paused', snap: { thermalState: 'critical' }, paused: true, reason: /thermal state critical/, indexConcurrency: 1, embedPerMinute: 0, prefetch: false, maxTokens: 32 },
  { name: 'CPU 88 °C (Linux, no OS state) → serious', snap: { cpuTempC: 88 }, paused: false, reason: /too hot \(88 °C\)/, indexConcurrency: 1, embedPerMinute: 30, prefetch: false },
  { name: 'CPU 97 °C → critical', snap: { cpuTempC: 97 }, paused: true, reason: /CPU critical \(97 °C\)/, indexConcurrency: 1, embedPerMinute: 0, prefetch: false },
  { name: 'speed limit 40 % → serious', snap: { speedLimitPercent: 40 }, paused: false, reason: /speed limited to 40 %/, indexConcurrency: 1, embedPerMinute: 30, prefetch: false },
  { name: 'other apps at 90 % CPU → slow, prefetch only if confident', snap: { cpuLoadPercent: 95, ownCpuPercent: 5 }, paused: false, reason: /other apps busy \(CPU 90 %\)/, indexConcurrency: 1, embedPerMinute: 120, prefetch: true },
  { name: 'machine at 95 % but 60 % of it is us → not busy', snap: { cpuLoadPercent: 95, ownCpuPercent: 60 }, paused: false, reason: /^full speed$/, indexConcurrency: 12, embedPerMinute: Infinity, prefetch: true },
  { name: 'memory 95 % used → small batches, no prefetch', snap: { memUsedPercent: 95 }, paused: false, reason: /memory low \(95 % used\)/, indexConcurrency: 1, embedPerMinute: Infinity, prefetch: false },
  { name: 'remote GPU 99 % → no speculation at it', snap: { gpus: [{ source: 'triton', name: 'GPU-1', utilizationPercent: 99, memoryUsedBytes: null, memoryTotalBytes: null, powerWatts: null }] }, paused: false, reason: /remote GPU busy/, indexConcurrency: 12, embedPerMinute: Infinity, prefetch: false },
  { name: 'Triton queue of 10 → remote busy', snap: { remotes: [{ kind: 'triton', url: 'http://x', reachable: true, checkedAt: 0, pendingRequests: 10 }] }, paused: false, reason: /remote GPU busy/, indexConcurrency: 12, embedPerMinute: Infinity, prefetch: false },
  { name: 'user pause → paused, prefetch still allowed', snap: {}, overrides: { pauseIndexing: true }, paused: true, reason: /indexing paused by you/, indexConcurrency: 12, embedPerMinute: 0, prefetch: true },
  { name: 'battery 15 % while typing → battery is the reason', snap: battery(15), lastKeystrokeAt: 99_900, paused: true, reason: /battery low/, indexConcurrency: 1, embedPerMinute: 0, prefetch: false },
  { name: 'battery 60 % while typing → paused for typing, battery slows', snap: battery(60), lastKeystrokeAt: 99_900, paused: true, reason: /while you type/, indexConcurrency: 1, embedPerMinute: 60, prefetch: true },
  { name: 'unknown readings (headless, nothing measurable) → full speed', snap: { cpuLoadPercent: null, ownCpuPercent: null, memUsedPercent: null, battery: { present: false, percent: null, charging: null }, thermalState: 'unknown', speedLimitPercent: null }, paused: false, reason: /^full speed$/, indexConcurrency: 12, embedPerMinute: Infinity, prefetch: true },
]

describe('evaluatePolicy: snapshot → budgets', () => {
  it.each(table)('$name', (row) => {
    const r = run(row.snap, { overrides: row.overrides, lastKeystrokeAt: row.lastKeystrokeAt })
    expect(r.budgets.background.paused).toBe(row.paused)
    expect(r.reason).toMatch(row.reason)
    expect(r.budgets.background.reason).toBe(r.reason)
    expect(r.budgets.background.indexConcurrency).toBe(row.indexConcurrency)
    expect(r.budgets.background.embedPerMinute).toBe(row.embedPerMinute)
    expect(r.budgets.background.prefetch).toBe(row.prefetch)
    if (row.maxTokens !== undefined) expect(r.budgets.completion.maxTokens).toBe(row.maxTokens)
  })

  it('throttles embedding by duty cycle too, so the slowdown scales with the embedder’s real cost', () => {
    expect(run({}).budgets.background.embedDutyCycle).toBeUndefined()
    expect(run(battery(60)).budgets.background.embedDutyCycle).toBe(0.2)
    expect(run({ thermalState: 'serious' }).budgets.background.embedDutyCycle).toBe(0.25)
    expect(run({ cpuLoadPercent: 99, ownCpuPercent: 0 }).budgets.background.embedDutyCycle).toBe(0.5)
    expect(run({ ...battery(60), cpuLoadPercent: 99, ownCpuPercent: 0 }).budgets.background.embedDutyCycle).toBe(0.2)
  })

  it('full speed is exactly FULL_SPEED', () => {
    expect(run({}).budgets).toEqual(FULL_SPEED)
  })

  it('combines conditions by taking the most restrictive value of each knob', () => {
    const r = run({ ...battery(60), cpuLoadPercent: 99, ownCpuPercent: 0, memUsedPercent: 95 })
    expect(r.conditions).toEqual(['other apps busy (CPU 99 %)', 'memory low (95 % used)', 'on battery (60 %)'])
    expect(r.budgets.background).toMatchObject({ indexConcurrency: 1, embedBatchSize: 4, embedPerMinute: 60, prefetch: false })
    expect(r.budgets.background.prefetchMinConfidence).toBe(0.6)
  })

  it('asks to be re-evaluated when typing ends', () => {
    expect(run({}, { lastKeystrokeAt: 99_500 }).reevaluateAt).toBe(101_000)
    expect(run({}).reevaluateAt).toBeNull()
  })
})

/** Feeds a sequence of (time, snapshot) through the policy, carrying its state like the controller does. */
function sequence(steps: [number, Partial<ResourceSnapshot>][], overrides: Partial<ResourceOverrides> = {}): PolicyResult[] {
  let previous: PolicyState | null = null
  return steps.map(([now, snap]) => {
    const r = run(snap, { now, previous, overrides })
    previous = r.state
    return r
  })
}

describe('evaluatePolicy: hysteresis', () => {
  it('battery: enters at 20 %, stays low until 25 %, no flapping around 20 %', () => {
    const out = sequence([
      [0, battery(30)],
      [60_000, battery(21)],
      [120_000, battery(20)], // enter
      [180_000, battery(21)], // still low (leave needs 25)
      [240_000, battery(24)],
      [300_000, battery(25)], // leave
      [360_000, battery(23)], // not re-entered: 23 > 20
    ])
    expect(out.map((r) => r.state.lowBattery.on)).toEqual([false, false, true, true, true, false, false])
    expect(out.map((r) => r.budgets.background.paused)).toEqual([false, false, true, true, true, false, false])
  })

  it('battery: plugging in clears "low" at once, even inside the dwell time', () => {
    const out = sequence([
      [0, battery(30)],
      [1_000, battery(15)],
      [2_000, battery(15, false)],
    ])
    expect(out.map((r) => r.state.lowBattery.on)).toEqual([false, true, false])
    expect(out[2]?.reason).toBe('full speed')
  })

  it('CPU: enters at 85 %, leaves at 70 %, and holds each state for the dwell time', () => {
    const busy = (load: number): Partial<ResourceSnapshot> => ({ cpuLoadPercent: load, ownCpuPercent: 0 })
    const out = sequence([
      [0, busy(50)],
      [20_000, busy(90)], // enter
      [25_000, busy(60)], // wants to leave, dwell (15 s) holds it
      [30_000, busy(60)], // still held
      [35_000, busy(60)], // 15 s passed → leaves
      [40_000, busy(80)], // between thresholds: stays off
      [45_000, busy(86)], // wants in, but left only 10 s ago
      [50_000, busy(86)], // 15 s after leaving → enters
      [55_000, busy(75)], // between: stays on
    ])
    expect(out.map((r) => r.state.busyCpu.on)).toEqual([false, true, true, true, false, false, false, true, true])
    expect(out[2]?.reevaluateAt).toBe(35_000)
    expect(out[6]?.reevaluateAt).toBe(50_000)
  })

  it('a load that oscillates every 2 s across both thresholds changes budgets at most once per dwell', () => {
    const steps: [number, Partial<ResourceSnapshot>][] = []
    for (let t = 0; t <= 120_000; t += 2_000) steps.push([t, { cpuLoadPercent: t % 4000 === 0 ? 95 : 40, ownCpuPercent: 0 }])
    const out = sequence(steps)
    let flips = 0
    for (let i = 1; i < out.length; i++) if (out[i]?.state.busyCpu.on !== out[i - 1]?.state.busyCpu.on) flips++
    expect(flips).toBeLessThanOrEqual(Math.ceil(120_000 / 15_000))
    expect(flips).toBeGreaterThan(0)
  })

  it('temperature: heating acts at once, cooling needs hysteresis and dwell', () => {
    const out = sequence([
      [0, { cpuTempC: 70 }],
      [1_000, { cpuTempC: 86 }], // serious at once
      [2_000, { cpuTempC: 96 }], // critical at once
      [3_000, { cpuTempC: 92 }], // ≥ 95 − 5: stays critical
      [30_000, { cpuTempC: 89 }], // < 90: serious (dwell passed)
      [31_000, { cpuTempC: 70 }], // cool, but dwell since last change holds serious
      [50_000, { cpuTempC: 70 }], // now none
    ])
    expect(out.map((r) => r.state.hot.level)).toEqual(['none', 'serious', 'critical', 'critical', 'serious', 'serious', 'none'])
    expect(out.map((r) => r.budgets.background.paused)).toEqual([false, false, true, true, false, false, false])
  })

  it('power events sequence: battery 15 % → thermal serious → back to AC', () => {
    const out = sequence([
      [0, {}],
      [10_000, battery(15)],
      [20_000, { ...battery(15), thermalState: 'serious' }],
      [30_000, { ...battery(15, false), thermalState: 'serious' }],
      [60_000, { ...battery(16, false), thermalState: 'nominal' }],
    ])
    expect(out.map((r) => r.budgets.background.paused)).toEqual([false, true, true, false, false])
    expect(out.map((r) => r.budgets.background.embedPerMinute)).toEqual([Infinity, 0, 0, 30, Infinity])
    expect(out[3]?.reason).toMatch(/too hot/)
    expect(out[4]?.reason).toBe('full speed')
  })
})
