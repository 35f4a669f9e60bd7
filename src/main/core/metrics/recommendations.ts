import type { LatencySeries, Recommendation } from '@shared/contract/metrics'

/** Thresholds behind the advice; the completion one is the product promise (sub-100 ms). */
export const RECOMMENDATION_THRESHOLDS = {
  completionP95Ms: 100,
  completionMinSamples: 20,
  searchP95Ms: 150,
  searchMinSamples: 10,
  indexFileP95Ms: 500,
  embedBatchP95Ms: 2000,
  indexMinSamples: 10,
  probeP95Ms: 50,
  probeMinSamples: 3,
} as const

const ms = (v: number | null): string => (v === null ? '?' : v < 10 ? v.toFixed(1) : Math.round(v).toString())

/**
 * Pure advice from latency summaries. Each rule needs a minimum number of samples so a single
 * cold start does not tell the user to change models.
 */
export function recommend(series: readonly LatencySeries[], t = RECOMMENDATION_THRESHOLDS): Recommendation[] {
  const out: Recommendation[] = []
  const byName = (name: string): LatencySeries[] => series.filter((s) => s.name === name)

  const misses = byName('hearth_completion_latency_seconds').filter(
    (s) => s.labels.cache === 'miss' && s.count >= t.completionMinSamples && s.p95 !== null,
  )
  const fast = misses.filter((s) => (s.p95 ?? Infinity) <= t.completionP95Ms)
  for (const s of misses) {
    if ((s.p95 ?? 0) <= t.completionP95Ms) continue
    const provider = s.labels.provider ?? 'unknown'
    const better = fast
      .filter((f) => f.labels.provider !== provider)
      .sort((a, b) => (a.p95 ?? 0) - (b.p95 ?? 0))[0]
    out.push({
      id: `completion-slow:${provider}`,
      severity: 'warn',
      metric: s.name,
      message:
        `Suggestions from ${provider} take ${ms(s.p95)} ms at p95 (goal ${t.completionP95Ms} ms). ` +
        (better
          ? `${better.labels.provider} answers in ${ms(better.p95)} ms: switch to it, or pick a smaller model.`
          : 'Pick a smaller model, or the remote DGX profile if you have one.'),
    })
  }

  for (const s of byName('hearth_search_latency_seconds')) {
    if (s.count >= t.searchMinSamples && (s.p95 ?? 0) > t.searchP95Ms) {
      out.push({
        id: `search-slow:${s.labels.kind ?? ''}`,
        severity: 'warn',
        metric: s.name,
        message: `Search takes ${ms(s.p95)} ms at p95: exclude generated or vendored folders (.gitignore) to shrink the index.`,
      })
    }
  }

  for (const s of byName('hearth_index_latency_seconds')) {
    if (s.count < t.indexMinSamples) continue
    if (s.labels.stage === 'file' && (s.p95 ?? 0) > t.indexFileP95Ms) {
      out.push({
        id: 'index-file-slow',
        severity: 'info',
        metric: s.name,
        message: `Indexing one file takes ${ms(s.p95)} ms at p95: large generated files are probably being indexed; ignore them.`,
      })
    }
    if (s.labels.stage === 'embed' && (s.p95 ?? 0) > t.embedBatchP95Ms) {
      out.push({
        id: 'embed-slow',
        severity: 'info',
        metric: s.name,
        message: `An embedding batch takes ${ms(s.p95)} ms at p95: a smaller embedding model or the remote profile would index faster.`,
      })
    }
  }

  for (const s of byName('hearth_probe_cost_seconds')) {
    if (s.count >= t.probeMinSamples && (s.p95 ?? 0) > t.probeP95Ms) {
      out.push({
        id: `probe-slow:${s.labels.probe ?? ''}`,
        severity: 'info',
        metric: s.name,
        message: `Reading ${s.labels.probe ?? 'a probe'} costs ${ms(s.p95)} ms; Hearth samples it rarely.`,
      })
    }
  }
  return out
}
