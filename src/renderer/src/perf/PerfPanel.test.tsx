import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { MetricsSnapshot } from '@shared/contract/metrics'
import { ResourceState } from '@shared/contract/resources'
import { PerfView } from './PerfPanel'
import { statusText, statusTitle } from './ResourceStatusItem'

// Fixtures go through the contract's schemas, so they are shaped exactly like what the core sends.
const snapshot = MetricsSnapshot.parse({
  at: 100_000,
  method: 'fixed log buckets',
  windowMs: 15_000,
  series: [
    {
      name: 'hearth_probe_cost_seconds',
      help: 'probe',
      labels: { probe: 'cpu' },
      count: 3,
      sumMs: 0.3,
      p50: 0.1,
      p95: 0.1,
      p99: 0.1,
      min: 0.1,
      max: 0.1,
      history: [],
    },
    {
      name: 'hearth_completion_latency_seconds',
      help: 'completion',
      labels: { provider: 'ollama', cache: 'miss' },
      count: 40,
      sumMs: 5000,
      p50: 110,
      p95: 180,
      p99: 230,
      min: 60,
      max: 240,
      history: [
        { at: 60_000, count: 20, p50: 100, p95: 170 },
        { at: 75_000, count: 20, p50: 120, p95: 190 },
      ],
    },
  ],
  recommendations: [
    {
      id: 'completion-slow:ollama',
      severity: 'warn',
      message: 'Suggestions from ollama take 180 ms at p95.',
    },
  ],
})

const state = ResourceState.parse({
  budgets: {
    background: {
      paused: true,
      reason: 'battery low (15 %)',
      indexConcurrency: 1,
      embedBatchSize: 8,
      embedPerMinute: 0,
      prefetch: false,
    },
    completion: { maxTokens: 48, debounceMs: 150 },
  },
  reason: 'battery low (15 %)',
  conditions: ['battery low (15 %)', 'too hot (thermal state serious)'],
  snapshot: {
    at: 0,
    cpuLoadPercent: 35,
    ownCpuPercent: 3,
    memUsedPercent: 60,
    battery: { present: true, percent: 15, charging: false },
    onBattery: true,
    thermalState: 'serious',
    cpuTempC: null,
    speedLimitPercent: null,
    suspended: false,
    locked: false,
    idleSeconds: 3,
    gpus: [],
    remotes: [{ kind: 'triton', url: 'http://dgx:8002', reachable: false, error: 'timed out', checkedAt: 0 }],
  },
  overrides: { pauseIndexing: false, batterySaver: 'auto' },
  updatedAt: 1,
})

describe('PerfView', () => {
  it('shows completion first, with p50/p95/p99, a two-line plot, advice and the background state', () => {
    const html = renderToStaticMarkup(<PerfView snapshot={snapshot} state={state} />)
    const rows = html.split('data-testid="perf-series"').slice(1)
    expect(rows[0]).toContain('completion · ollama · miss')
    expect(rows[0]).toContain('<td>110 ms</td><td>180 ms</td><td>230 ms</td><td>40</td>')
    expect(rows[0]).toMatch(/<path d="M0\.0,[\d.]+L120\.0,[\d.]+" class="perf-spark-p95"/)
    expect(rows[1]).toContain('probe cost · cpu')
    expect(html).toContain('Suggestions from ollama take 180 ms at p95.')
    expect(html).toContain('Background work: paused — battery low (15 %); too hot (thermal state serious)')
    expect(html).toContain('0/min embeddings')
    expect(html).toContain('battery 15 % (on battery)')
    expect(html).toMatch(/<option value="auto" selected="">auto<\/option>/)
  })

  it('says so when there is nothing yet, and shows errors', () => {
    const html = renderToStaticMarkup(
      <PerfView
        snapshot={{ ...snapshot, series: [], recommendations: [] }}
        state={undefined}
        error="connection closed"
      />,
    )
    expect(html).toContain('No measurements yet.')
    expect(html).toContain('role="alert">connection closed')
  })
})

describe('status bar item', () => {
  it('summarises state and explains it in the tooltip', () => {
    expect(statusText(state)).toEqual({ text: '⏸ battery low (15 %)', tone: 'paused' })
    const full = {
      ...state,
      conditions: [],
      reason: 'full speed',
      budgets: { ...state.budgets, background: { ...state.budgets.background, paused: false } },
    }
    expect(statusText(full)).toEqual({ text: '● Full speed', tone: 'ok' })
    const slow = { ...full, conditions: ['on battery (60 %)'], reason: 'on battery (60 %)' }
    expect(statusText(slow)).toEqual({ text: '◔ on battery (60 %)', tone: 'slow' })
    expect(statusTitle(state)).toContain('Battery 15 % (on battery)')
    expect(statusTitle(state)).toContain('triton http://dgx:8002: unreachable (timed out)')
  })
})
