import { HearthError } from '@shared/errors'
import type { HttpClient } from '../net/httpClient'
import { ndjson } from '../net/streamParsers'
import { statusError, streamError, toProviderError } from '../net/upstreamErrors'
import { ProgressMeter, type DownloadProgress } from './progressMeter'

export interface OllamaPullOptions {
  http: HttpClient
  /** The Ollama server's base URL. */
  url: string
  model: string
  token?: string
  signal?: AbortSignal
  onProgress?: (p: DownloadProgress & { status: string }) => void
}

const trim = (u: string): string => u.replace(/\/+$/, '')

/**
 * `ollama pull` through the server's own API (`POST /api/pull`, streamed): Ollama downloads and
 * verifies the layers itself; Hearth shows its progress. Ollama reports per layer (`digest`,
 * `total`, `completed`), so the bytes shown are summed over the layers seen so far.
 */
export async function ollamaPull(o: OllamaPullOptions): Promise<void> {
  const root = trim(o.url)
  const label = `Ollama at ${root}`
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (o.token) headers.authorization = `Bearer ${o.token}`
  const layers = new Map<string, { total: number; completed: number }>()
  let status = 'pulling manifest'
  const meter = new ProgressMeter(
    o.onProgress
      ? (p): void => {
          o.onProgress?.({ ...p, status })
        }
      : undefined,
  )
  try {
    const res = await o.http.request(`${root}/api/pull`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: o.model, stream: true }),
      signal: o.signal,
      responseTimeoutMs: 30_000,
      // Ollama is silent while it verifies a large layer's digest.
      idleTimeoutMs: 10 * 60_000,
      label,
    })
    if (res.status < 200 || res.status >= 300)
      throw statusError(res.status, await res.text(64 * 1024).catch(() => ''), {
        label,
        model: o.model,
        missingModelHint: 'check the name in Ollama’s library (ollama.com/library)',
      })
    meter.update('connecting', 0, undefined, true)
    for await (const line of ndjson(res.body, label)) {
      const m = line as {
        status?: unknown
        digest?: unknown
        total?: unknown
        completed?: unknown
        error?: unknown
      }
      if (typeof m.error === 'string') throw streamError(label, m.error)
      if (typeof m.status === 'string') status = m.status
      if (typeof m.digest === 'string' && typeof m.total === 'number')
        layers.set(m.digest, { total: m.total, completed: typeof m.completed === 'number' ? m.completed : 0 })
      let total = 0
      let done = 0
      for (const l of layers.values()) {
        total += l.total
        done += l.completed
      }
      const phase =
        status === 'success' ? 'done' : status.startsWith('verifying') ? 'verifying' : 'downloading'
      meter.update(phase, done, total || undefined, phase !== 'downloading')
      if (status === 'success') return
    }
  } catch (err) {
    throw toProviderError(err, label, o.signal)
  }
  throw new HearthError('unavailable', `${label} ended the pull of ${o.model} without saying it succeeded`, {
    reason: 'malformed',
  })
}
