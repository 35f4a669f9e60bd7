import { describe, expect, it } from 'vitest'
import { formatMs, niceMax, seriesLabel, sparklinePaths } from './sparkline'

describe('sparkline', () => {
  it('rounds the axis to 1/2/5 × 10^n', () => {
    expect([0, 0.3, 7, 12, 180, 501].map(niceMax)).toEqual([1, 0.5, 10, 20, 200, 1000])
  })

  it('maps time to x and latency to y, breaking the line at empty windows', () => {
    const pts = [
      { at: 0, count: 5, p50: 10, p95: 20 },
      { at: 10, count: 0, p50: null, p95: null },
      { at: 20, count: 5, p50: 5, p95: 10 },
      { at: 40, count: 5, p50: 20, p95: 40 },
    ]
    const s = sparklinePaths(pts, 100, 20)
    expect(s.maxMs).toBe(50)
    expect(s.p95).toBe('M0.0,12.0M50.0,16.0L100.0,4.0')
    expect(s.p50).toBe('M0.0,16.0M50.0,18.0L100.0,12.0')
  })

  it('draws a tick for a single window and nothing for none', () => {
    expect(sparklinePaths([{ at: 5, count: 1, p50: 3, p95: 3 }], 100, 20).p50).toBe('M100.0,8.0h-6.0')
    expect(sparklinePaths([], 100, 20)).toEqual({ p50: '', p95: '', maxMs: 1 })
  })

  it('formats durations and series names for people', () => {
    expect([0.25, 4.56, 87.4, 1234, 45_000, null].map(formatMs)).toEqual([
      '0.25 ms',
      '4.6 ms',
      '87 ms',
      '1.23 s',
      '45.0 s',
      '–',
    ])
    expect(seriesLabel('hearth_completion_latency_seconds', { provider: 'ollama', cache: 'miss' })).toBe(
      'completion · ollama · miss',
    )
    expect(seriesLabel('hearth_probe_cost_seconds', { probe: 'gpu' })).toBe('probe cost · gpu')
  })
})
