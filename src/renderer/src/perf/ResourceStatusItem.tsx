import type { ResourceState } from '@shared/contract/resources'
import { useResourceState, type PerfApi } from './useResourceState'

/** Status bar text: what background work is doing and why, e.g. "⏸ Indexing paused · battery low (15 %)". */
export function statusText(s: ResourceState): { text: string; tone: 'ok' | 'slow' | 'paused' } {
  const bg = s.budgets.background
  if (bg.paused) return { text: `⏸ ${s.reason}`, tone: 'paused' }
  if (s.conditions.length) return { text: `◔ ${s.reason}`, tone: 'slow' }
  return { text: '● Full speed', tone: 'ok' }
}

/** Tooltip: every condition and the readings behind them. */
export function statusTitle(s: ResourceState): string {
  const r = s.snapshot
  const lines = [
    s.conditions.length ? `Background work: ${s.conditions.join('; ')}` : 'Background work: full speed',
    r.cpuLoadPercent !== null ? `CPU ${Math.round(r.cpuLoadPercent)} %` : null,
    r.memUsedPercent !== null ? `Memory ${Math.round(r.memUsedPercent)} %` : null,
    r.battery.present
      ? `Battery ${r.battery.percent ?? '?'} % ${r.onBattery ? '(on battery)' : '(on AC)'}`
      : null,
    r.thermalState !== 'unknown' ? `Thermal: ${r.thermalState}` : null,
    ...r.remotes.map(
      (x) => `${x.kind} ${x.url}: ${x.reachable ? 'reachable' : `unreachable (${x.error ?? '?'})`}`,
    ),
    'Click for the performance panel',
  ]
  return lines.filter((l): l is string => l !== null).join('\n')
}

/** The status bar item; clicking opens the performance panel (`openPanel('perf')`). */
export function ResourceStatusItem({ api, openPanel }: { api: PerfApi; openPanel?: (id: string) => void }) {
  const { state } = useResourceState(api)
  if (!state) return null
  const { text, tone } = statusText(state)
  return (
    <button
      type="button"
      className={`perf-status perf-status-${tone}`}
      data-testid="status-resources"
      title={statusTitle(state)}
      onClick={() => openPanel?.('perf')}
    >
      {text}
    </button>
  )
}
