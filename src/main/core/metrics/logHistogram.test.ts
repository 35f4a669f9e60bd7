import { describe, expect, it } from 'vitest'
import {
  BOUNDS_MS,
  bucketIndex,
  diff,
  emptyHistogramData,
  MIN_MS,
  observeInto,
  quantile,
  copyHistogramData,
} from './logHistogram'

/** Deterministic PRNG so the accuracy check is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const exactQuantile = (sorted: number[], q: number): number =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN

describe('logHistogram', () => {
  it('puts a value on a bound into that bound’s bucket (le semantics)', () => {
    for (let i = 0; i < BOUNDS_MS.length; i++) {
      const b = BOUNDS_MS[i] ?? 0
      expect(bucketIndex(b)).toBe(i)
      expect(bucketIndex(b * 1.0001)).toBe(Math.min(i + 1, BOUNDS_MS.length))
    }
    expect(bucketIndex(0)).toBe(0)
    expect(bucketIndex(MIN_MS / 10)).toBe(0)
    expect(bucketIndex(1e9)).toBe(BOUNDS_MS.length)
  })

  it('estimates p50/p95/p99 of a log-normal latency sample within the bucket error', () => {
    const rnd = mulberry32(42)
    const d = emptyHistogramData()
    const values: number[] = []
    for (let i = 0; i < 20_000; i++) {
      // Box-Muller → log-normal around 40 ms, like completion latencies.
      const z = Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd())
      const v = Math.exp(Math.log(40) + 0.8 * z)
      values.push(v)
      observeInto(d, v)
    }
    values.sort((a, b) => a - b)
    for (const q of [0.5, 0.95, 0.99]) {
      const est = quantile(d, q) ?? NaN
      const exact = exactQuantile(values, q)
      expect(Math.abs(Math.log(est / exact))).toBeLessThan(Math.log(2 ** 0.25))
    }
    expect(d.count).toBe(20_000)
    expect(quantile(d, 1)).toBe(values.at(-1))
  })

  it('is exact for one value and clamps to min/max', () => {
    const d = emptyHistogramData()
    observeInto(d, 37)
    expect(quantile(d, 0.5)).toBe(37)
    expect(quantile(d, 0.99)).toBe(37)
    expect(quantile(emptyHistogramData(), 0.5)).toBeNull()
  })

  it('ignores NaN and negative durations instead of corrupting the sums', () => {
    const d = emptyHistogramData()
    observeInto(d, NaN)
    observeInto(d, -1)
    observeInto(d, Infinity)
    expect(d.count).toBe(0)
  })

  it('diff gives the window between two cumulative copies', () => {
    const d = emptyHistogramData()
    for (let i = 0; i < 100; i++) observeInto(d, 1000)
    const before = copyHistogramData(d)
    for (let i = 0; i < 100; i++) observeInto(d, 5)
    const w = diff(d, before)
    expect(w.count).toBe(100)
    const p50 = quantile(w, 0.5) ?? 0
    expect(p50).toBeGreaterThan(5 / 1.2)
    expect(p50).toBeLessThan(5 * 1.2)
  })
})
