import type { HistoryPoint, LatencySeries } from '@shared/contract/metrics'
import {
  copyHistogramData,
  diff,
  emptyHistogramData,
  observeInto,
  quantile,
  type HistogramData,
} from './logHistogram'

export type Labels = Readonly<Record<string, string>>

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** A stable key for one label set (values in the family's declared label order). */
const seriesKey = (labelNames: readonly string[], labels: Labels): string =>
  labelNames.map((n) => labels[n] ?? '').join('\u0000')

function checkLabels(family: string, labelNames: readonly string[], labels: Labels): void {
  for (const k of Object.keys(labels)) {
    if (!labelNames.includes(k))
      throw new Error(`${family}: unknown label "${k}" (declared: ${labelNames.join(', ')})`)
  }
}

abstract class Family<S> {
  readonly series = new Map<string, { labels: Labels; value: S }>()
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name "${name}"`)
    for (const l of labelNames) {
      if (!LABEL_NAME.test(l) || l.startsWith('__') || l === 'le')
        throw new Error(`${name}: invalid label name "${l}"`)
    }
  }

  protected get(labels: Labels, create: () => S): S {
    checkLabels(this.name, this.labelNames, labels)
    const key = seriesKey(this.labelNames, labels)
    let s = this.series.get(key)
    if (!s) {
      const clean: Record<string, string> = {}
      for (const n of this.labelNames) clean[n] = labels[n] ?? ''
      s = { labels: clean, value: create() }
      this.series.set(key, s)
    }
    return s.value
  }
}

export class CounterFamily extends Family<{ value: number }> {
  readonly type = 'counter'
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: counters only go up`)
    this.get(labels, () => ({ value: 0 })).value += by
  }
}

export class GaugeFamily extends Family<{ value: number }> {
  readonly type = 'gauge'
  set(labels: Labels, value: number): void {
    this.get(labels, () => ({ value: 0 })).value = value
  }
}

interface HistogramSeries {
  data: HistogramData
  /** Cumulative data at the start of the current window. */
  windowStartData: HistogramData
  windowStart: number
  /** Extremes of the open window, so its quantiles clamp like the cumulative ones. */
  windowMin: number | null
  windowMax: number | null
  history: HistoryPoint[]
}

/** Latencies in milliseconds; exposed to Prometheus in seconds (the family name ends in _seconds). */
export class HistogramFamily extends Family<HistogramSeries> {
  readonly type = 'histogram'
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly clock: Clockwork,
  ) {
    super(name, help, labelNames)
    if (!name.endsWith('_seconds'))
      throw new Error(`${name}: latency histograms are exposed in seconds; end the name in _seconds`)
  }

  observe(labels: Labels, ms: number): void {
    const now = this.clock.now()
    const s = this.get(labels, () => ({
      data: emptyHistogramData(),
      windowStartData: emptyHistogramData(),
      windowStart: this.clock.windowStart(now),
      windowMin: null,
      windowMax: null,
      history: [],
    }))
    this.roll(s, now)
    const before = s.data.count
    observeInto(s.data, ms)
    if (s.data.count > before) {
      s.windowMin = s.windowMin === null ? ms : Math.min(s.windowMin, ms)
      s.windowMax = s.windowMax === null ? ms : Math.max(s.windowMax, ms)
    }
  }

  /** Starts a timer; the returned function records the elapsed time (once). */
  startTimer(labels: Labels = {}): () => number {
    const t0 = performance.now()
    let done = false
    return () => {
      const ms = performance.now() - t0
      if (!done) this.observe(labels, ms)
      done = true
      return ms
    }
  }

  /** Lazily closes the current window: no timer runs when nothing is observed. */
  roll(s: HistogramSeries, now: number): void {
    if (now < s.windowStart + this.clock.windowMs) return
    const w = this.openWindow(s)
    if (w.count > 0) {
      s.history.push({
        at: s.windowStart + this.clock.windowMs,
        count: w.count,
        p50: quantile(w, 0.5),
        p95: quantile(w, 0.95),
      })
      if (s.history.length > this.clock.maxHistory)
        s.history.splice(0, s.history.length - this.clock.maxHistory)
    }
    s.windowStartData = copyHistogramData(s.data)
    s.windowStart = this.clock.windowStart(now)
    s.windowMin = s.windowMax = null
  }

  private openWindow(s: HistogramSeries): HistogramData {
    return { ...diff(s.data, s.windowStartData), min: s.windowMin, max: s.windowMax }
  }

  summaries(historyPoints: number): LatencySeries[] {
    const now = this.clock.now()
    const out: LatencySeries[] = []
    for (const { labels, value: s } of this.series.values()) {
      this.roll(s, now)
      const history = s.history.slice(-historyPoints)
      const open = this.openWindow(s)
      // The window still open is shown too, so a fresh panel is not blank for a whole window.
      if (open.count > 0)
        history.push({ at: now, count: open.count, p50: quantile(open, 0.5), p95: quantile(open, 0.95) })
      out.push({
        name: this.name,
        help: this.help,
        labels: { ...labels },
        count: s.data.count,
        sumMs: s.data.sum,
        p50: quantile(s.data, 0.5),
        p95: quantile(s.data, 0.95),
        p99: quantile(s.data, 0.99),
        min: s.data.min,
        max: s.data.max,
        history: history.slice(-historyPoints),
      })
    }
    return out
  }
}

interface Clockwork {
  now(): number
  windowMs: number
  maxHistory: number
  windowStart(now: number): number
}

export interface RegistryOptions {
  now?: () => number
  /** Length of one plotted window. */
  windowMs?: number
  /** Windows kept per series. */
  maxHistory?: number
}

export type AnyFamily = CounterFamily | GaugeFamily | HistogramFamily

/** Holds metric families; `renderPrometheus` and `metrics.snapshot` read it. */
export class MetricsRegistry {
  private readonly families = new Map<string, AnyFamily>()
  readonly clock: Clockwork

  constructor(opts: RegistryOptions = {}) {
    const windowMs = opts.windowMs ?? 15_000
    this.clock = {
      now: opts.now ?? Date.now,
      windowMs,
      maxHistory: opts.maxHistory ?? 120,
      windowStart: (now) => Math.floor(now / windowMs) * windowMs,
    }
  }

  histogram(name: string, help: string, labelNames: readonly string[] = []): HistogramFamily {
    return this.register(name, () => new HistogramFamily(name, help, labelNames, this.clock), 'histogram')
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): CounterFamily {
    return this.register(name, () => new CounterFamily(name, help, labelNames), 'counter')
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): GaugeFamily {
    return this.register(name, () => new GaugeFamily(name, help, labelNames), 'gauge')
  }

  all(): AnyFamily[] {
    return [...this.families.values()]
  }

  latencySeries(historyPoints = 60): LatencySeries[] {
    return this.all().flatMap((f) => (f instanceof HistogramFamily ? f.summaries(historyPoints) : []))
  }

  private register<F extends AnyFamily>(name: string, create: () => F, type: F['type']): F {
    const existing = this.families.get(name)
    if (existing) {
      // Asking twice for the same family (two services sharing a metric) returns the same one.
      const f = create()
      if (existing.type !== type || existing.labelNames.join() !== f.labelNames.join()) {
        throw new Error(
          `metric ${name} already registered as ${existing.type}(${existing.labelNames.join(', ')})`,
        )
      }
      return existing as F
    }
    const f = create()
    this.families.set(name, f)
    return f
  }
}
