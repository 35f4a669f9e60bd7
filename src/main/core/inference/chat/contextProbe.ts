import { authHeaders } from '../../net/credentials'
import type { HttpClient } from '../../net/httpClient'

/**
 * Learns a served model's context window once, by one small request (Ollama's /api/show, an
 * OpenAI-compatible model list), so it costs a round trip before the first question only. A
 * server that answers without saying gives `undefined` for good (the chat then assumes a safe
 * default); one that fails to answer is asked again a minute later, not before every question.
 */
export class ContextProbe {
  private known: number | undefined
  private settled = false
  private retryAt = 0

  constructor(
    private readonly http: HttpClient,
    private readonly token: string | undefined,
    private readonly label: string,
    private readonly request: { url: string; method: 'GET' | 'POST'; body?: unknown },
    private readonly read: (json: unknown) => number | undefined,
  ) {}

  async tokens(signal: AbortSignal): Promise<number | undefined> {
    if (this.settled || Date.now() < this.retryAt) return this.known
    try {
      const res = await this.http.request(this.request.url, {
        method: this.request.method,
        headers: {
          accept: 'application/json',
          ...(this.request.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...authHeaders(this.token),
        },
        ...(this.request.body !== undefined ? { body: JSON.stringify(this.request.body) } : {}),
        signal,
        timeoutMs: 3000,
        label: this.label,
      })
      if (res.status < 200 || res.status >= 300) {
        res.discard()
        this.retryAt = Date.now() + RETRY_MS
        return undefined
      }
      const n = this.read(await res.json(4 * 1024 * 1024))
      if (n !== undefined && Number.isFinite(n) && n >= 256) this.known = Math.floor(n)
      this.settled = true
      return this.known
    } catch {
      // A cancelled question says nothing about the server: ask again with the next one.
      if (!signal.aborted) this.retryAt = Date.now() + RETRY_MS
      return undefined
    }
  }
}

const RETRY_MS = 60_000

/** vLLM lists `max_model_len` per model; llama.cpp's server lists `meta.n_ctx_train`. */
export function contextFromModelList(model: string): (json: unknown) => number | undefined {
  return (json) => {
    const data = (json as { data?: unknown } | null)?.data
    if (!Array.isArray(data)) return undefined
    const entry = (
      data as { id?: unknown; max_model_len?: unknown; meta?: { n_ctx_train?: unknown } }[]
    ).find((d) => d.id === model)
    const n = entry?.max_model_len ?? entry?.meta?.n_ctx_train
    return typeof n === 'number' ? n : undefined
  }
}

/** Most context asked of Ollama for a model that sets none: answers with sources fit, memory stays laptop-sized. */
export const OLLAMA_MAX_CONTEXT = 8192

/**
 * Ollama's /api/show: a `num_ctx` the model's parameters set is the window it runs with;
 * otherwise the architecture's `<arch>.context_length`, capped (Ollama's own default window is
 * smaller, so the chat sends this as its num_ctx).
 */
export function contextFromOllamaShow(json: unknown): number | undefined {
  const j = json as { parameters?: unknown; model_info?: Record<string, unknown> } | null
  const param = typeof j?.parameters === 'string' ? /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(j.parameters) : null
  if (param) return Number(param[1])
  for (const [k, v] of Object.entries(j?.model_info ?? {}))
    if (k.endsWith('.context_length') && typeof v === 'number') return Math.min(v, OLLAMA_MAX_CONTEXT)
  return undefined
}
