import { z } from 'zod'
import { method } from './define'

/** p50/p95 of one time window (deltas of fixed buckets, so windows are exact, not decayed). */
export const HistoryPoint = z.object({
  /** End of the window (ms since epoch). */
  at: z.number(),
  count: z.number().int().nonnegative(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
})
export type HistoryPoint = z.infer<typeof HistoryPoint>

export const LatencySeries = z.object({
  /** Prometheus family name, e.g. hearth_completion_latency_seconds. */
  name: z.string(),
  help: z.string(),
  labels: z.record(z.string(), z.string()),
  /** Since start, in milliseconds. */
  count: z.number().int().nonnegative(),
  sumMs: z.number().nonnegative(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  history: z.array(HistoryPoint),
})
export type LatencySeries = z.infer<typeof LatencySeries>

export const Recommendation = z.object({
  id: z.string(),
  severity: z.enum(['info', 'warn']),
  message: z.string(),
  /** The series the advice is about, for the panel to highlight. */
  metric: z.string().optional(),
})
export type Recommendation = z.infer<typeof Recommendation>

export const MetricsSnapshot = z.object({
  at: z.number(),
  /** How quantiles are estimated, shown in the panel's footnote. */
  method: z.string(),
  windowMs: z.number().positive(),
  series: z.array(LatencySeries),
  recommendations: z.array(Recommendation),
})
export type MetricsSnapshot = z.infer<typeof MetricsSnapshot>

export const metricsMethods = {
  'metrics.snapshot': method(
    z.object({ historyPoints: z.number().int().positive().max(1000).optional() }),
    MetricsSnapshot,
  ),
} as const
