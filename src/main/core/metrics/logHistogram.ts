/**
 * Latency histogram with fixed logarithmic buckets, in milliseconds.
 *
 * Why fixed buckets rather than a reservoir: they cost O(1) memory and time per observation, two
 * histograms (or two moments of one) subtract exactly — which gives windowed p50/p95 for the
 * plots for free — and they map directly onto Prometheus `_bucket{le=…}` lines.
 *
 * Bucket i holds values in (bound[i-1], bound[i]] with bound[i] = MIN_MS · 2^(i/4): four buckets
 * per doubling, so a quantile estimated inside a bucket is off by at most a factor 2^(1/4) ≈ 1.19
 * (we interpolate geometrically inside the bucket and clamp to the observed min/max, which is
 * exact for the extremes and usually much closer than the worst case). Range 1/16 ms … ≈131 s,
 * then one overflow bucket.
 */
export const MIN_MS = 1 / 16
export const STEPS_PER_DOUBLING = 4
const DOUBLINGS = 21
export const BOUNDS_MS: readonly number[] = Array.from(
  { length: DOUBLINGS * STEPS_PER_DOUBLING + 1 },
  (_, i) => MIN_MS * 2 ** (i / STEPS_PER_DOUBLING),
)

/** Counts per bucket (last = overflow), plus the totals; plain data so it can be copied and diffed. */
export interface HistogramData {
  counts: number[]
  count: number
  sum: number
  min: number | null
  max: number | null
}

export const emptyHistogramData = (): HistogramData => ({
  counts: new Array<number>(BOUNDS_MS.length + 1).fill(0),
  count: 0,
  sum: 0,
  min: null,
  max: null,
})

export function bucketIndex(ms: number): number {
  if (!(ms > MIN_MS)) return 0
  let i = Math.ceil(Math.log2(ms / MIN_MS) * STEPS_PER_DOUBLING)
  // Floating point can put a value sitting exactly on a bound one bucket too high or low.
  if (i > 0 && ms <= (BOUNDS_MS[i - 1] ?? Infinity)) i--
  if (i < BOUNDS_MS.length && ms > (BOUNDS_MS[i] ?? Infinity)) i++
  return Math.min(i, BOUNDS_MS.length)
}

export function observeInto(data: HistogramData, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return
  const i = bucketIndex(ms)
  data.counts[i] = (data.counts[i] ?? 0) + 1
  data.count++
  data.sum += ms
  data.min = data.min === null ? ms : Math.min(data.min, ms)
  data.max = data.max === null ? ms : Math.max(data.max, ms)
}

/**
 * Estimated q-quantile (0 < q ≤ 1) in ms, null when empty. `min`/`max` may be null for a window
 * (a difference of two cumulative histograms), then only the bucket bounds are used.
 */
export function quantile(data: HistogramData, q: number): number | null {
  if (data.count === 0) return null
  const rank = Math.max(1, Math.ceil(q * data.count))
  let seen = 0
  for (let i = 0; i < data.counts.length; i++) {
    const c = data.counts[i] ?? 0
    if (c === 0) continue
    if (seen + c >= rank) {
      const lower = i === 0 ? MIN_MS / 2 ** (1 / STEPS_PER_DOUBLING) : (BOUNDS_MS[i - 1] ?? MIN_MS)
      const upper = BOUNDS_MS[i] ?? data.max ?? lower * 2
      // Geometric interpolation: latencies spread multiplicatively inside a log bucket.
      const frac = (rank - seen) / c
      let v = lower * (upper / lower) ** frac
      if (data.min !== null) v = Math.max(v, data.min)
      if (data.max !== null) v = Math.min(v, data.max)
      return v
    }
    seen += c
  }
  return data.max
}

/** later − earlier (both cumulative): the observations made in between. min/max are unknown. */
export function diff(later: HistogramData, earlier: HistogramData): HistogramData {
  return {
    counts: later.counts.map((c, i) => c - (earlier.counts[i] ?? 0)),
    count: later.count - earlier.count,
    sum: later.sum - earlier.sum,
    min: null,
    max: null,
  }
}

export const copyHistogramData = (d: HistogramData): HistogramData => ({ ...d, counts: d.counts.slice() })
