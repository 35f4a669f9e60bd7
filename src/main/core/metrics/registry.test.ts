import { describe, expect, it } from 'vitest'
import { HearthMetrics } from './hearthMetrics'

describe('latency history windows', () => {
  it('records one p50/p95 point per window, lazily, and shows the open window', () => {
    let now = 1_000_000
    const m = new HearthMetrics({ now: () => now, windowMs: 10_000, maxHistory: 3 })
    for (let i = 0; i < 10; i++) m.observeSearch(10)
    now += 10_000
    for (let i = 0; i < 10; i++) m.observeSearch(100)
    now += 10_000
    m.observeSearch(1000)
    const [s] = m.snapshot().series
    expect(s?.count).toBe(21)
    expect(s?.history.map((p) => p.count)).toEqual([10, 10, 1])
    expect(s?.history[0]?.p50).toBeCloseTo(10, 5)
    expect(s?.history[1]?.p95).toBeCloseTo(100, 5)
    expect(s?.history[2]?.at).toBe(now)

    // Only maxHistory closed windows are kept.
    for (let w = 0; w < 5; w++) {
      now += 10_000
      m.observeSearch(1)
    }
    expect(m.snapshot().series[0]?.history.length).toBeLessThanOrEqual(4)
  })

  it('snapshot carries the quantile method and recommendations', () => {
    const m = new HearthMetrics()
    for (let i = 0; i < 30; i++) m.observeCompletion(150 + i, { provider: 'embedded', cache: 'miss' })
    for (let i = 0; i < 30; i++) m.observeCompletion(40, { provider: 'triton', cache: 'miss' })
    const snap = m.snapshot()
    expect(snap.method).toMatch(/log buckets/)
    expect(snap.recommendations.map((r) => r.id)).toEqual(['completion-slow:embedded'])
    expect(snap.recommendations[0]?.message).toMatch(/triton answers in 40 ms/)
  })
})
