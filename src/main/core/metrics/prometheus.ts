import { BOUNDS_MS, STEPS_PER_DOUBLING } from './logHistogram'
import { HistogramFamily, type Labels, type MetricsRegistry } from './registry'

/**
 * Prometheus text exposition format 0.0.4 of every family in the registry.
 *
 * Histograms record milliseconds on fine log buckets (4 per doubling); the exposition keeps one
 * bound per doubling (1/16 ms … ≈131 s, in seconds) so a scrape stays small. Those bounds are
 * bounds of the fine buckets too, so the cumulative counts are exact, not re-estimated.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

const EXPOSED = BOUNDS_MS.map((b, i) => ({ i, le: b / 1000 })).filter(({ i }) => i % STEPS_PER_DOUBLING === 0)

const escapeHelp = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
const escapeLabel = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

function formatLabels(labels: Labels, extra?: [string, string]): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`)
  return parts.length ? `{${parts.join(',')}}` : ''
}

export function renderPrometheus(registry: MetricsRegistry): string {
  const lines: string[] = []
  for (const f of registry.all()) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`)
    lines.push(`# TYPE ${f.name} ${f.type}`)
    if (f instanceof HistogramFamily) {
      for (const { labels, value: s } of f.series.values()) {
        let cumulative = 0
        let next = 0
        for (const { i, le } of EXPOSED) {
          while (next <= i) cumulative += s.data.counts[next++] ?? 0
          lines.push(`${f.name}_bucket${formatLabels(labels, ['le', formatValue(le)])} ${cumulative}`)
        }
        lines.push(`${f.name}_bucket${formatLabels(labels, ['le', '+Inf'])} ${s.data.count}`)
        lines.push(`${f.name}_sum${formatLabels(labels)} ${formatValue(s.data.sum / 1000)}`)
        lines.push(`${f.name}_count${formatLabels(labels)} ${s.data.count}`)
      }
    } else {
      for (const { labels, value } of f.series.values()) {
        lines.push(`${f.name}${formatLabels(labels)} ${formatValue(value.value)}`)
      }
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : ''
}
