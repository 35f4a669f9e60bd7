import type { HistoryPoint } from '@shared/contract/metrics'

export interface SparklinePaths {
  p50: string
  p95: string
  /** Top of the y axis (ms), for the label. */
  maxMs: number
}

/** A round-ish axis top (1, 2, 5 × 10^n) so the label reads well. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1
  const exp = 10 ** Math.floor(Math.log10(v))
  for (const m of [1, 2, 5, 10]) if (v <= m * exp) return m * exp
  return 10 * exp
}

/**
 * SVG path data for p50 and p95 over time. x is time (so a quiet gap shows as a gap in
 * spacing), y is linear from 0 to a nice maximum. A window without samples breaks the line.
 */
export function sparklinePaths(
  points: readonly HistoryPoint[],
  width: number,
  height: number,
): SparklinePaths {
  const withData = points.filter((p) => p.count > 0)
  const maxMs = niceMax(Math.max(0, ...withData.map((p) => p.p95 ?? p.p50 ?? 0)))
  const t0 = withData[0]?.at ?? 0
  const t1 = withData.at(-1)?.at ?? t0
  const x = (at: number): number => (t1 === t0 ? width : ((at - t0) / (t1 - t0)) * width)
  const y = (ms: number): number => height - (Math.min(ms, maxMs) / maxMs) * height
  const path = (pick: (p: HistoryPoint) => number | null): string => {
    let d = ''
    let pen = false
    for (const p of points) {
      const v = p.count > 0 ? pick(p) : null
      if (v === null) {
        pen = false
        continue
      }
      d += `${pen ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(v).toFixed(1)}`
      pen = true
    }
    // A single point still needs something visible: a short flat tick.
    if (withData.length === 1 && d) d += `h-${Math.min(6, width).toFixed(1)}`
    return d
  }
  return { p50: path((p) => p.p50), p95: path((p) => p.p95), maxMs }
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '–'
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 10) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
}

/** "completion · ollama · miss" from a series' name and labels. */
export function seriesLabel(name: string, labels: Readonly<Record<string, string>>): string {
  const short = name
    .replace(/^hearth_/, '')
    .replace(/_(latency_)?seconds$/, '')
    .replace(/_/g, ' ')
  const parts = Object.values(labels).filter((v) => v !== '')
  return [short, ...parts].join(' · ')
}
