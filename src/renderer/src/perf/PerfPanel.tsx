import { useEffect, useState } from 'react'
import type { LatencySeries, MetricsSnapshot } from '@shared/contract/metrics'
import type { BatterySaver, ResourceOverrides, ResourceState } from '@shared/contract/resources'
import { formatMs, seriesLabel, sparklinePaths } from './sparkline'
import { useResourceState, type PerfApi } from './useResourceState'
import './perf.css'

const REFRESH_MS = 5_000
const SPARK_W = 120
const SPARK_H = 28

/**
 * The performance panel: latency p50/p95/p99 with small p50/p95 plots over time, the advice
 * derived from them, and the background-work state with the user's overrides. Polls
 * `metrics.snapshot` only while visible. Mount as a sidebar panel (it accepts PanelProps).
 */
export function PerfPanel({ api, visible = true }: { api: PerfApi; visible?: boolean }) {
  const [snapshot, setSnapshot] = useState<MetricsSnapshot>()
  const [error, setError] = useState<string>()
  const { state, error: stateError } = useResourceState(api)
  const [override, setOverride] = useState<ResourceState>()

  useEffect(() => {
    if (!visible) return
    let live = true
    const load = (): void => {
      api.call('metrics.snapshot', { historyPoints: 60 }).then(
        (s) => {
          if (!live) return
          setSnapshot(s)
          setError(undefined)
        },
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      )
    }
    load()
    const t = setInterval(load, REFRESH_MS)
    return () => {
      live = false
      clearInterval(t)
    }
  }, [api, visible])

  const current = newest(state, override)
  const setOverrides = (patch: Partial<ResourceOverrides>): void => {
    api
      .call('resources.setOverrides', patch)
      .then(setOverride, (e: unknown) => setError(e instanceof Error ? e.message : String(e)))
  }
  return (
    <PerfView snapshot={snapshot} state={current} error={error ?? stateError} onOverrides={setOverrides} />
  )
}

const newest = (a: ResourceState | undefined, b: ResourceState | undefined): ResourceState | undefined =>
  !a ? b : !b ? a : a.updatedAt >= b.updatedAt ? a : b

export interface PerfViewProps {
  snapshot: MetricsSnapshot | undefined
  state: ResourceState | undefined
  error?: string
  onOverrides?: (patch: Partial<ResourceOverrides>) => void
}

/** Presentational half (no I/O), rendered as-is in tests. */
export function PerfView({ snapshot, state, error, onOverrides }: PerfViewProps) {
  const series = [...(snapshot?.series ?? [])].sort(
    (a, b) =>
      order(a) - order(b) || seriesLabel(a.name, a.labels).localeCompare(seriesLabel(b.name, b.labels)),
  )
  return (
    <div className="perf-panel" data-testid="perf-panel">
      <div className="perf-header">Performance</div>
      {error && (
        <div className="perf-error" role="alert">
          {error}
        </div>
      )}
      {state && <BackgroundSection state={state} onOverrides={onOverrides} />}
      {snapshot && snapshot.recommendations.length > 0 && (
        <ul className="perf-advice" data-testid="perf-advice">
          {snapshot.recommendations.map((r) => (
            <li key={r.id} className={`perf-advice-${r.severity}`}>
              {r.message}
            </li>
          ))}
        </ul>
      )}
      {snapshot && series.length === 0 && <div className="perf-empty">No measurements yet.</div>}
      {series.length > 0 && (
        <table className="perf-table" data-testid="perf-table">
          <thead>
            <tr>
              <th>Latency</th>
              <th>p50</th>
              <th>p95</th>
              <th>p99</th>
              <th>n</th>
              <th>over time</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s) => (
              <SeriesRow key={`${s.name}${JSON.stringify(s.labels)}`} s={s} />
            ))}
          </tbody>
        </table>
      )}
      {snapshot && (
        <div className="perf-footnote">
          Plots: p50 (solid) and p95 (dashed) per {Math.round(snapshot.windowMs / 1000)} s window. Quantiles:{' '}
          {snapshot.method}.
        </div>
      )}
    </div>
  )
}

/** Completion first: it is the latency the user feels. */
const ORDER = ['completion', 'search', 'index', 'probe']
const order = (s: LatencySeries): number => {
  const i = ORDER.findIndex((k) => s.name.includes(k))
  return i === -1 ? ORDER.length : i
}

function SeriesRow({ s }: { s: LatencySeries }) {
  const paths = sparklinePaths(s.history, SPARK_W, SPARK_H)
  const label = seriesLabel(s.name, s.labels)
  return (
    <tr data-testid="perf-series">
      <td title={s.help}>{label}</td>
      <td>{formatMs(s.p50)}</td>
      <td>{formatMs(s.p95)}</td>
      <td>{formatMs(s.p99)}</td>
      <td>{s.count}</td>
      <td>
        <svg
          className="perf-spark"
          width={SPARK_W}
          height={SPARK_H}
          viewBox={`0 0 ${SPARK_W} ${SPARK_H}`}
          role="img"
          aria-label={`${label}: p50 and p95 over time, axis up to ${formatMs(paths.maxMs)}`}
        >
          <title>{`axis: 0–${formatMs(paths.maxMs)}`}</title>
          <path d={paths.p95} className="perf-spark-p95" fill="none" strokeDasharray="3 2" />
          <path d={paths.p50} className="perf-spark-p50" fill="none" />
        </svg>
      </td>
    </tr>
  )
}

function BackgroundSection({
  state,
  onOverrides,
}: {
  state: ResourceState
  onOverrides?: (p: Partial<ResourceOverrides>) => void
}) {
  const bg = state.budgets.background
  const r = state.snapshot
  const readings = [
    r.cpuLoadPercent !== null && `CPU ${Math.round(r.cpuLoadPercent)} %`,
    r.memUsedPercent !== null && `memory ${Math.round(r.memUsedPercent)} %`,
    r.battery.present && `battery ${r.battery.percent ?? '?'} %${r.onBattery ? ' (on battery)' : ''}`,
    r.thermalState !== 'unknown' && `thermal ${r.thermalState}`,
    ...r.gpus.map(
      (g) => `${g.source === 'local' ? 'GPU' : `${g.source} GPU`} ${g.utilizationPercent ?? '?'} %`,
    ),
  ].filter((x): x is string => typeof x === 'string')
  return (
    <section className="perf-bg" data-testid="perf-background">
      <div className={`perf-bg-state ${bg.paused ? 'paused' : state.conditions.length ? 'slow' : 'ok'}`}>
        Background work: {bg.paused ? 'paused' : state.conditions.length ? 'slowed' : 'full speed'}
        {state.conditions.length > 0 && ` — ${state.conditions.join('; ')}`}
      </div>
      <div className="perf-bg-budgets">
        {bg.indexConcurrency} {bg.indexConcurrency === 1 ? 'batch' : 'batches'} at once ·{' '}
        {bg.embedPerMinute === null ? 'unlimited' : `${bg.embedPerMinute}/min`} embeddings · prefetch{' '}
        {bg.prefetch ? 'on' : 'off'} · suggestions ≤ {state.budgets.completion.maxTokens} tokens
      </div>
      {readings.length > 0 && <div className="perf-bg-readings">{readings.join(' · ')}</div>}
      <div className="perf-bg-controls">
        <label>
          <input
            type="checkbox"
            checked={state.overrides.pauseIndexing}
            onChange={(e) => onOverrides?.({ pauseIndexing: e.currentTarget.checked })}
            data-testid="perf-pause-indexing"
          />{' '}
          Pause indexing
        </label>
        <label>
          Battery saver{' '}
          <select
            value={state.overrides.batterySaver}
            onChange={(e) => onOverrides?.({ batterySaver: e.currentTarget.value as BatterySaver })}
            data-testid="perf-battery-saver"
          >
            <option value="auto">auto</option>
            <option value="on">on</option>
            <option value="off">off</option>
          </select>
        </label>
      </div>
    </section>
  )
}
