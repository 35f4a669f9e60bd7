import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HearthMetrics } from '../metrics/hearthMetrics'
import { ResourceMonitor } from './monitor'
import type { Probe, ProbeReading } from './probes/probe'
import { SimulatedPowerSource } from './simulatedPowerSource'

const execFileAsync = promisify(execFile)

/** A probe whose readings the test scripts; records when it was read (fake clock). */
function scripted(name: string, o: Partial<Probe> & { values?: () => ProbeReading } = {}): Probe & { times: number[] } {
  const times: number[] = []
  return {
    name,
    cost: 'cheap',
    baseMs: 1_000,
    maxMs: 8_000,
    ...o,
    times,
    read: (): Promise<ProbeReading> => {
      times.push(Date.now())
      return Promise.resolve(o.values ? o.values() : { cpuLoadPercent: 10 })
    },
  }
}

describe('ResourceMonitor (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('backs off a stable probe up to maxMs and returns to baseMs when the reading moves', async () => {
    let load = 10
    const p = scripted('cpu', { values: () => ({ cpuLoadPercent: load }), changed: (a, b) => a.cpuLoadPercent !== b.cpuLoadPercent })
    const m = new ResourceMonitor({ probes: [p] })
    m.start()
    await vi.advanceTimersByTimeAsync(31_000)
    // 0, +1 s, +2 s, +4 s, +8 s, +8 s …
    expect(p.times).toEqual([0, 1_000, 3_000, 7_000, 15_000, 23_000, 31_000])
    load = 90
    await vi.advanceTimersByTimeAsync(8_000) // read at 39 s sees the change → base interval again
    await vi.advanceTimersByTimeAsync(1_000)
    expect(p.times.slice(-2)).toEqual([39_000, 40_000])
    m.dispose()
  })

  it('reads an unsupported probe only every unsupportedMs, and a failing one at maxMs', async () => {
    const none = scripted('temperature', { values: () => ({ cpuTempC: null, unsupported: true }), unsupportedMs: 600_000 })
    let calls = 0
    const failing: Probe & { times: number[] } = {
      ...scripted('flaky'),
      read: () => {
        calls++
        return Promise.reject(new Error('sensor gone'))
      },
    }
    const m = new ResourceMonitor({ probes: [none, failing] })
    m.start()
    await vi.advanceTimersByTimeAsync(599_000)
    expect(none.times).toEqual([0])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(none.times).toEqual([0, 600_000])
    expect(calls).toBe(1 + Math.floor(600_000 / 8_000))
    expect(m.probes().find((s) => s.name === 'temperature')?.unsupported).toBe(true)
    m.dispose()
  })

  it('reads nothing while suspended and everything at once on resume', async () => {
    const power = new SimulatedPowerSource()
    const cheap = scripted('cpu')
    const costly = scripted('gpu', { cost: 'costly', baseMs: 60_000, maxMs: 240_000 })
    const m = new ResourceMonitor({ probes: [cheap, costly], power })
    m.start()
    await vi.advanceTimersByTimeAsync(10)
    power.suspend()
    const before = cheap.times.length + costly.times.length
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(cheap.times.length + costly.times.length).toBe(before)
    expect(m.currentMode).toBe('suspended')
    power.resume()
    await vi.advanceTimersByTimeAsync(0)
    expect(cheap.times.at(-1)).toBe(3_600_010)
    expect(costly.times.at(-1)).toBe(3_600_010)
    m.dispose()
  })

  it('while locked reads only the battery, and only on battery', async () => {
    const power = new SimulatedPowerSource({ onBattery: false })
    const cpu = scripted('cpu')
    const battery = scripted('battery', { whileQuiet: true, maxMs: 60_000, values: () => ({ battery: { present: true, percent: 50, charging: false, acConnected: false } }) })
    const m = new ResourceMonitor({ probes: [cpu, battery], power })
    m.start()
    await vi.advanceTimersByTimeAsync(10)
    power.lock()
    const [c0, b0] = [cpu.times.length, battery.times.length]
    await vi.advanceTimersByTimeAsync(600_000)
    expect([cpu.times.length, battery.times.length]).toEqual([c0, b0]) // on AC: nothing at all
    power.unplug(50)
    await vi.advanceTimersByTimeAsync(600_000)
    expect(cpu.times.length).toBe(c0)
    expect(battery.times.length - b0).toBeGreaterThanOrEqual(9) // every 60 s
    expect(battery.times.length - b0).toBeLessThanOrEqual(11)
    power.unlock()
    await vi.advanceTimersByTimeAsync(0)
    expect(cpu.times.length).toBe(c0 + 1)
    m.dispose()
  })

  it('goes quiet after the idle threshold, checks idle time rarely, and wakes on activity', async () => {
    const power = new SimulatedPowerSource({ idleSeconds: 0 })
    const cpu = scripted('cpu', { maxMs: 1_000 })
    const m = new ResourceMonitor({ probes: [cpu], power, quietAfterIdleSeconds: 300, idleCheckMs: 60_000 })
    m.start()
    await vi.advanceTimersByTimeAsync(5_000)
    power.setIdleSeconds(400)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(m.currentMode).toBe('quiet')
    const n = cpu.times.length
    await vi.advanceTimersByTimeAsync(50_000)
    expect(cpu.times.length).toBe(n)
    // The user types in Hearth: the OS idle time resets and the controller wakes the monitor.
    power.setIdleSeconds(0)
    m.wake()
    await vi.advanceTimersByTimeAsync(0)
    expect(m.currentMode).toBe('active')
    expect(cpu.times.length).toBe(n + 1)
    // Idle again; the user returns without touching Hearth: the idle check notices within a minute.
    power.setIdleSeconds(400)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(m.currentMode).toBe('quiet')
    power.setIdleSeconds(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(m.currentMode).toBe('active')
    m.dispose()
  })

  it('merges probe readings with the power source; the OS event beats the probe', async () => {
    const power = new SimulatedPowerSource({ onBattery: true, batteryPercent: 42, thermalState: 'fair' })
    const battery = scripted('battery', { values: () => ({ battery: { present: true, percent: 99, charging: true, acConnected: true } }) })
    const mem = scripted('memory', { values: () => ({ memUsedPercent: 55 }) })
    const m = new ResourceMonitor({ probes: [battery, mem], power })
    const seen: string[] = []
    m.onSnapshot((_s, cause) => seen.push(cause))
    m.start()
    await vi.advanceTimersByTimeAsync(0)
    const s = m.snapshot()
    expect(s).toMatchObject({ onBattery: true, battery: { present: true, percent: 42 }, thermalState: 'fair', memUsedPercent: 55 })
    expect(seen).toEqual(expect.arrayContaining(['battery', 'memory']))
    power.setThermal('serious')
    expect(seen.at(-1)).toBe('thermal-state-change')
    expect(m.snapshot().thermalState).toBe('serious')
    m.dispose()
  })

  it('headless: on-battery comes from the battery probe’s AC flag', async () => {
    const battery = scripted('battery', { values: () => ({ battery: { present: true, percent: 30, charging: false, acConnected: false } }) })
    const m = new ResourceMonitor({ probes: [battery] })
    m.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(m.snapshot()).toMatchObject({ onBattery: true, battery: { percent: 30 }, idleSeconds: null, thermalState: 'unknown' })
    m.dispose()
  })

  it('records each probe’s cost and leaves no timer after dispose', async () => {
    const metrics = new HearthMetrics()
    const m = new ResourceMonitor({ probes: [scripted('cpu'), scripted('memory')], metrics })
    m.start()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(metrics.snapshot().series.map((s) => s.labels.probe).sort()).toEqual(['cpu', 'memory'])
    expect(vi.getTimerCount()).toBeGreaterThan(0)
    m.dispose()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('setRemoteProbes: keeps system probes, stops the old remotes and drops their readings', async () => {
    const remote = (url: string, util: number): Probe & { times: number[] } =>
      scripted('triton', {
        cost: 'remote',
        baseMs: 2_000,
        maxMs: 2_000,
        values: () => ({
          remote: {
            kind: 'triton',
            url,
            reachable: true,
            checkedAt: Date.now(),
            gpus: [{ source: 'triton', name: url, utilizationPercent: util, memoryUsedBytes: null, memoryTotalBytes: null, powerWatts: null }],
          },
        }),
      })
    const cpu = scripted('cpu')
    const a = remote('http://a', 10)
    const b = remote('http://b', 20)
    const m = new ResourceMonitor({ probes: [cpu, a] })
    const causes: string[] = []
    m.onSnapshot((_s, c) => causes.push(c))
    m.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(m.snapshot().remotes.map((r) => r.url)).toEqual(['http://a'])
    // Two Triton servers at once: readings are kept per probe, not per probe name.
    const c = remote('http://c', 30)
    m.setRemoteProbes([b, c])
    await vi.advanceTimersByTimeAsync(0)
    expect(m.snapshot().remotes.map((r) => r.url)).toEqual(['http://b', 'http://c'])
    expect(m.snapshot().gpus.map((g) => g.utilizationPercent)).toEqual([20, 30])
    const aReads = a.times.length
    await vi.advanceTimersByTimeAsync(10_000)
    expect(a.times.length).toBe(aReads)
    expect(b.times.length).toBeGreaterThan(3)
    expect(m.probes().map((p) => p.name)).toEqual(['cpu', 'triton', 'triton'])
    m.setRemoteProbes([])
    expect(causes).toContain('remote-probes')
    expect(m.snapshot().remotes).toEqual([])
    expect(m.snapshot().gpus).toEqual([])
    const counts = [b.times.length, c.times.length]
    const cpuReads = cpu.times.length
    await vi.advanceTimersByTimeAsync(10_000)
    expect([b.times.length, c.times.length]).toEqual(counts)
    expect(cpu.times.length).toBeGreaterThan(cpuReads)
    m.dispose()
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('ResourceMonitor (real process)', () => {
  it('does not keep a process alive: with real probes started, node exits on its own', async () => {
    // The real property behind "timers are unref'd": a CLI that starts the monitor still exits.
    const script = [
      "import { ResourceMonitor } from './src/main/core/resources/monitor.ts'",
      "import { systemProbes } from './src/main/core/resources/probes/systemProbes.ts'",
      'const m = new ResourceMonitor({ probes: systemProbes({ cpuBaseMs: 50 }) })',
      'm.start()',
      "setTimeout(() => console.log('reads', m.probes().reduce((a, p) => a + p.reads, 0), 'failures', JSON.stringify(m.probes().filter((p) => p.failures))), 1500)",
    ].join('\n')
    const t0 = Date.now()
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: resolve(import.meta.dirname, '../../../..'),
      timeout: 20_000,
    })
    expect(Number(/reads (\d+)/.exec(stdout)?.[1])).toBeGreaterThanOrEqual(5)
    // Every probe works in a plain Node process too (the worker thread of the costly ones included).
    expect(/failures (.*)$/m.exec(stdout)?.[1]).toBe('[]')
    expect(Date.now() - t0).toBeLessThan(15_000)
  })
})
