import type { ModelStats } from '@shared/contract/settings'
import { emptyHistogramData, observeInto, quantile, type HistogramData } from '../metrics/logHistogram'

interface Entry {
  endpointId: string
  model: string
  requests: number
  errors: number
  latency: HistogramData
  lastError?: string
}

/** Per (endpoint, model): requests, errors and latency p50/p95 (fixed log buckets, O(1) per request). */
export class ModelStatsTable {
  private readonly entries = new Map<string, Entry>()

  private entry(endpointId: string, model: string): Entry {
    const key = `${endpointId}\u0000${model}`
    let e = this.entries.get(key)
    if (!e) {
      e = { endpointId, model, requests: 0, errors: 0, latency: emptyHistogramData() }
      this.entries.set(key, e)
    }
    return e
  }

  success(endpointId: string, model: string, ms: number): void {
    const e = this.entry(endpointId, model)
    e.requests++
    observeInto(e.latency, ms)
  }

  failure(endpointId: string, model: string, message: string): void {
    const e = this.entry(endpointId, model)
    e.requests++
    e.errors++
    e.lastError = message
  }

  /** Latency quantile of successful requests, null before the first. */
  quantile(endpointId: string, model: string, q: number): number | null {
    const e = this.entries.get(`${endpointId}\u0000${model}`)
    return e ? quantile(e.latency, q) : null
  }

  list(): ModelStats[] {
    return [...this.entries.values()].map((e) => {
      const s: ModelStats = {
        endpointId: e.endpointId,
        model: e.model,
        requests: e.requests,
        errors: e.errors,
        p50Ms: quantile(e.latency, 0.5),
        p95Ms: quantile(e.latency, 0.95),
      }
      if (e.lastError !== undefined) s.lastError = e.lastError
      return s
    })
  }
}
