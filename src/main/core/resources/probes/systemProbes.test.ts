import { describe, expect, it } from 'vitest'
import { batteryProbe, cpuProbe, gpuProbe, memoryProbe, systemProbes, temperatureProbe } from './systemProbes'

// Real systeminformation calls on this machine: values must be plausible, and what the machine
// lacks (battery, sensors, NVIDIA GPU on the 2-core CI box) must come back as `unsupported`, not a guess.
describe('system probes (real)', () => {
  const signal = new AbortController().signal

  it('cpu: machine load and our own share, both 0–100', async () => {
    const p = cpuProbe()
    await p.read(signal)
    // Burn a little CPU so our own share is visibly non-zero.
    const t = Date.now()
    while (Date.now() - t < 150) Math.sqrt(Math.random())
    const r = await p.read(signal)
    expect(r.cpuLoadPercent).toBeGreaterThanOrEqual(0)
    expect(r.cpuLoadPercent).toBeLessThanOrEqual(100)
    expect(r.ownCpuPercent).toBeGreaterThan(0)
    expect(r.ownCpuPercent).toBeLessThanOrEqual(100)
  })

  it('memory: percent used excluding reclaimable cache', async () => {
    const r = await memoryProbe().read(signal)
    expect(r.memUsedPercent).toBeGreaterThan(0)
    expect(r.memUsedPercent).toBeLessThan(100)
  })

  it('battery, temperature, gpu: a reading or an honest "unsupported"', async () => {
    const b = await batteryProbe().read(signal)
    if (b.unsupported) expect(b.battery).toEqual({ present: false, percent: null, charging: null, acConnected: true })
    else expect(b.battery?.percent).toBeGreaterThanOrEqual(0)
    const t = await temperatureProbe().read(signal)
    if (t.unsupported) expect(t.cpuTempC).toBeNull()
    else expect(t.cpuTempC).toBeGreaterThan(0)
    const g = await gpuProbe().read(signal)
    if (g.unsupported) expect(g.localGpus).toEqual([])
    else expect(g.localGpus?.[0]?.source).toBe('local')
  })

  it('cheap probes are sampled often, costly ones at most once a minute', () => {
    for (const p of systemProbes()) {
      if (p.cost === 'cheap') expect(p.baseMs).toBeLessThanOrEqual(5_000)
      else expect(p.baseMs).toBeGreaterThanOrEqual(60_000)
    }
  })
})
