export interface Stats {
  n: number
  median: number
  p95: number
  min: number
  max: number
}

/** Count, median, p95 (nearest rank), min and max, rounded to 0.01. */
export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b)
  const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN
  const mid = Math.floor(s.length / 2)
  const median = s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
  return {
    n: s.length,
    median: r2(median),
    p95: r2(at(0.95)),
    min: r2(s[0] ?? NaN),
    max: r2(s.at(-1) ?? NaN),
  }
}

export const r2 = (n: number): number => Math.round(n * 100) / 100
