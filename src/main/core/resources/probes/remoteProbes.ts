import type { GpuReading, LoadedModel } from '@shared/contract/resources'
import { parsePrometheusText } from '../../metrics/parsePrometheus'
import { moved, type Probe, type ProbeReading } from './probe'

export interface RemoteProbeOptions {
  /** Base URL: Triton's metrics port (default 8002) or Ollama's API (default 11434). */
  url: string
  /** Static headers, or a function read on every probe (a token saved later is picked up). */
  headers?: Record<string, string> | (() => Record<string, string> | undefined)
  /**
   * The HTTP client to probe through. The core passes its HttpClient's `fetchWith()` so the
   * process-wide connection policy (the offline profile) applies; the global fetch bypasses it.
   */
  fetch?: typeof fetch
  baseMs?: number
  maxMs?: number
  timeoutMs?: number
}

async function get(url: string, o: RemoteProbeOptions, signal: AbortSignal): Promise<Response> {
  const timeoutMs = o.timeoutMs ?? 2_000
  const timeout = AbortSignal.timeout(timeoutMs)
  let res: Response
  try {
    res = await (o.fetch ?? fetch)(url, {
      headers: typeof o.headers === 'function' ? o.headers() : o.headers,
      signal: AbortSignal.any([signal, timeout]),
    })
  } catch (err) {
    // An injected client reports its own abort reason ("cancelled"); say what really happened.
    if (timeout.aborted && !signal.aborted) throw new Error('timed out')
    throw err
  }
  if (!res.ok) {
    // Drain the (small) error body so a keep-alive socket goes back to the pool.
    await res.text().catch(() => undefined)
    throw new Error(`HTTP ${res.status} from ${url}`)
  }
  return res
}

const errorText = (err: unknown): string =>
  err instanceof Error ? (err.name === 'TimeoutError' ? 'timed out' : (err.cause instanceof Error ? err.cause.message : err.message)) : String(err)

/**
 * A DGX's GPUs from Triton's Prometheus endpoint: nv_gpu_utilization (0–1), nv_gpu_memory_*_bytes,
 * nv_gpu_power_usage (W), and the queue (nv_inference_pending_request_count) so the policy can
 * stop speculating at a server that is already busy.
 */
export function tritonMetricsProbe(o: RemoteProbeOptions): Probe {
  const url = new URL('/metrics', o.url).toString()
  return {
    name: 'triton',
    cost: 'remote',
    baseMs: o.baseMs ?? 15_000,
    maxMs: o.maxMs ?? 60_000,
    async read(signal): Promise<ProbeReading> {
      const checkedAt = Date.now()
      try {
        const families = parsePrometheusText(await (await get(url, o, signal)).text())
        const byGpu = new Map<string, GpuReading>()
        const gpu = (uuid: string): GpuReading => {
          let g = byGpu.get(uuid)
          if (!g) {
            g = { source: 'triton', name: uuid, utilizationPercent: null, memoryUsedBytes: null, memoryTotalBytes: null, powerWatts: null }
            byGpu.set(uuid, g)
          }
          return g
        }
        const each = (name: string, set: (g: GpuReading, v: number) => void): void => {
          for (const s of families.get(name)?.samples ?? []) set(gpu(s.labels.gpu_uuid ?? s.labels.gpu ?? 'gpu'), s.value)
        }
        each('nv_gpu_utilization', (g, v) => (g.utilizationPercent = Math.round(v * 1000) / 10))
        each('nv_gpu_memory_used_bytes', (g, v) => (g.memoryUsedBytes = v))
        each('nv_gpu_memory_total_bytes', (g, v) => (g.memoryTotalBytes = v))
        each('nv_gpu_power_usage', (g, v) => (g.powerWatts = v))
        const pending = families.get('nv_inference_pending_request_count')?.samples.reduce((a, s) => a + s.value, 0)
        return {
          remote: {
            kind: 'triton',
            url: o.url,
            reachable: true,
            checkedAt,
            gpus: [...byGpu.values()],
            ...(pending === undefined ? {} : { pendingRequests: pending }),
          },
        }
      } catch (err) {
        if (signal.aborted) throw err
        return { remote: { kind: 'triton', url: o.url, reachable: false, error: errorText(err), checkedAt } }
      }
    },
    changed: (a, b) =>
      a.remote?.reachable !== b.remote?.reachable ||
      a.remote?.pendingRequests !== b.remote?.pendingRequests ||
      (b.remote?.gpus ?? []).some((g, i) => moved(a.remote?.gpus?.[i]?.utilizationPercent, g.utilizationPercent, 10)),
  }
}

interface OllamaPsModel {
  name?: string
  model?: string
  size?: number
  size_vram?: number
  expires_at?: string
}

/** Models Ollama holds in memory (/api/ps): tells the router whether a request would pay a load. */
export function ollamaPsProbe(o: RemoteProbeOptions): Probe {
  const url = new URL('/api/ps', o.url).toString()
  return {
    name: 'ollama',
    cost: 'remote',
    baseMs: o.baseMs ?? 30_000,
    maxMs: o.maxMs ?? 120_000,
    async read(signal): Promise<ProbeReading> {
      const checkedAt = Date.now()
      try {
        const body = (await (await get(url, o, signal)).json()) as { models?: OllamaPsModel[] }
        if (!body || !Array.isArray(body.models)) throw new Error('unexpected /api/ps answer (no models list)')
        const models: LoadedModel[] = body.models.map((m) => ({
          name: String(m.name ?? m.model ?? '?'),
          sizeBytes: typeof m.size === 'number' ? m.size : null,
          vramBytes: typeof m.size_vram === 'number' ? m.size_vram : null,
          expiresAt: typeof m.expires_at === 'string' ? m.expires_at : null,
        }))
        return { remote: { kind: 'ollama', url: o.url, reachable: true, checkedAt, models } }
      } catch (err) {
        if (signal.aborted) throw err
        return { remote: { kind: 'ollama', url: o.url, reachable: false, error: errorText(err), checkedAt } }
      }
    },
    changed: (a, b) =>
      a.remote?.reachable !== b.remote?.reachable ||
      (a.remote?.models ?? []).map((m) => m.name).join() !== (b.remote?.models ?? []).map((m) => m.name).join(),
  }
}
