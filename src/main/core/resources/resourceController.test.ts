import type { ResourceState } from '@shared/contract/resources'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HearthMetrics } from '../metrics/hearthMetrics'
import { parsePrometheusText } from '../metrics/parsePrometheus'
import { renderPrometheus } from '../metrics/prometheus'
import type { Budgets } from './budgets'
import { ResourceMonitor } from './monitor'
import type { Probe } from './probes/probe'
import { ResourceController } from './resourceController'
import { SimulatedPowerSource } from './simulatedPowerSource'

const cpu = (load: () => number): Probe => ({
  name: 'cpu',
  cost: 'cheap',
  baseMs: 2_000,
  maxMs: 2_000,
  read: () => Promise.resolve({ cpuLoadPercent: load(), ownCpuPercent: 0 }),
})

function setup(power = new SimulatedPowerSource(), load = () => 10) {
  const metrics = new HearthMetrics()
  const emitted: ResourceState[] = []
  const monitor = new ResourceMonitor({ probes: [cpu(load)], power, metrics })
  const controller = new ResourceController({ monitor, metrics, events: { emit: (_e, p) => emitted.push(p) } })
  const got: Budgets[] = []
  controller.register({ setBudgets: (b) => got.push(b) })
  controller.start()
  return { power, controller, emitted, got, metrics }
}

describe('ResourceController', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('hands a new consumer the current budgets at once', async () => {
    const { controller, got } = setup()
    await vi.advanceTimersByTimeAsync(0)
    expect(got).toHaveLength(1)
    expect(got[0]?.background).toMatchObject({ paused: false, reason: 'full speed' })
    controller.dispose()
  })

  it('pauses background work while the user types and resumes 1.5 s after the last keystroke', async () => {
    const { controller, got } = setup()
    await vi.advanceTimersByTimeAsync(0)
    for (let i = 0; i < 20; i++) {
      controller.noteActivity('keystroke')
      await vi.advanceTimersByTimeAsync(150) // 20 keystrokes, 150 ms apart: one burst
    }
    // One push to pause for the whole burst, not one per keystroke.
    expect(got.map((b) => b.background.paused)).toEqual([false, true])
    await vi.advanceTimersByTimeAsync(1_000) // 1.15 s after the last keystroke: still paused
    expect(got.at(-1)?.background.paused).toBe(true)
    await vi.advanceTimersByTimeAsync(400) // 1.55 s: resumed
    expect(got.map((b) => b.background.paused)).toEqual([false, true, false])
    expect(controller.state().reason).toBe('full speed')
    controller.dispose()
  })

  it('follows power events: battery 15 % pauses, thermal serious backs off, AC resumes', async () => {
    const { controller, got, power, emitted } = setup()
    await vi.advanceTimersByTimeAsync(0)
    power.unplug(15)
    expect(got.at(-1)?.background).toMatchObject({ paused: true, embedPerMinute: 0, prefetch: false })
    expect(emitted.at(-1)?.reason).toBe('battery low (15 %)')
    expect(emitted.at(-1)?.snapshot).toMatchObject({ onBattery: true, battery: { percent: 15 } })
    power.setThermal('serious')
    expect(emitted.at(-1)?.conditions).toEqual(['battery low (15 %)', 'too hot (thermal state serious)'])
    power.plugIn()
    expect(got.at(-1)?.background).toMatchObject({ paused: false, embedPerMinute: 30, indexConcurrency: 1 })
    power.setThermal('nominal')
    // Cooling down waits out the 15 s dwell.
    expect(got.at(-1)?.background.embedPerMinute).toBe(30)
    await vi.advanceTimersByTimeAsync(15_000)
    expect(got.at(-1)?.background).toMatchObject({ paused: false, embedPerMinute: Infinity, reason: 'full speed' })
    expect(emitted.at(-1)?.budgets.background.embedPerMinute).toBeNull() // Infinity on the wire
    controller.dispose()
  })

  it('applies and reports user overrides', () => {
    const seen: unknown[] = []
    const power = new SimulatedPowerSource({ onBattery: true, batteryPercent: 10 })
    const monitor = new ResourceMonitor({ probes: [], power })
    const controller = new ResourceController({ monitor, onOverridesChange: (o) => seen.push(o) })
    controller.start()
    expect(controller.state().reason).toBe('battery low (10 %)')
    let s = controller.setOverrides({ batterySaver: 'off' })
    expect(s.reason).toBe('full speed')
    s = controller.setOverrides({ pauseIndexing: true })
    expect(s).toMatchObject({ reason: 'indexing paused by you', overrides: { pauseIndexing: true, batterySaver: 'off' } })
    expect(s.budgets.background.paused).toBe(true)
    controller.setOverrides({ pauseIndexing: true }) // no change, no persistence write
    expect(seen).toEqual([
      { pauseIndexing: false, batterySaver: 'off' },
      { pauseIndexing: true, batterySaver: 'off' },
    ])
    controller.dispose()
  })

  it('does not flap when CPU load from other apps oscillates around the threshold', async () => {
    let t = 0
    const { controller, got } = setup(undefined, () => (t++ % 2 ? 95 : 60))
    await vi.advanceTimersByTimeAsync(120_000) // 60 readings, alternating every 2 s
    const flips = got.filter((b, i) => i > 0 && b.background.indexConcurrency !== got[i - 1]?.background.indexConcurrency)
    expect(flips.length).toBeGreaterThan(0)
    expect(flips.length).toBeLessThanOrEqual(120_000 / 15_000)
    controller.dispose()
  })

  it('keeps pushing to the other consumers when one throws', () => {
    const { controller, power } = setup()
    const good: Budgets[] = []
    controller.register({
      setBudgets: () => {
        throw new Error('broken consumer')
      },
    })
    controller.register({ setBudgets: (b) => good.push(b) })
    power.unplug(5)
    expect(good.at(-1)?.background.paused).toBe(true)
    controller.dispose()
  })

  it('publishes readings and budgets as Prometheus gauges', async () => {
    const { controller, metrics, power } = setup(undefined, () => 42)
    await vi.advanceTimersByTimeAsync(0)
    power.unplug(50)
    const f = parsePrometheusText(renderPrometheus(metrics.registry), { requireType: true })
    const value = (name: string, label: string, key: string) => f.get(name)?.samples.find((s) => s.labels[label] === key)?.value
    expect(value('hearth_resource', 'reading', 'cpu_load')).toBeCloseTo(0.42)
    expect(value('hearth_resource', 'reading', 'on_battery')).toBe(1)
    expect(value('hearth_budget', 'knob', 'embed_per_minute')).toBe(60)
    expect(f.get('hearth_probe_cost_seconds')?.samples.length).toBeGreaterThan(0)
    controller.dispose()
  })

  it('leaves no timers behind after dispose', async () => {
    const { controller } = setup()
    controller.noteActivity()
    await vi.advanceTimersByTimeAsync(10)
    controller.dispose()
    expect(vi.getTimerCount()).toBe(0)
  })
})
