import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelInfo } from '@shared/contract/settings'
import { HearthError } from '@shared/errors'
import type { EndpointConfig } from '@shared/settings/schema'
import { authHeaders } from '../net/credentials'
import { statusError } from '../net/upstreamErrors'
import type { HttpClient } from '../net/httpClient'

export interface ListOptions {
  token?: string
  timeoutMs: number
  signal?: AbortSignal
}

const trim = (u: string): string => u.replace(/\/+$/, '')

const bad = (label: string, what: string): HearthError =>
  new HearthError('unavailable', `${label}: malformed response: ${what}`, { reason: 'malformed' })

/**
 * The models one endpoint offers, by its own protocol: Ollama `GET /api/tags`, Triton
 * `POST /v2/repository/index` (every model in the repository with its state), OpenAI-compatible
 * `GET /v1/models`; for the embedded engine, the *.gguf files in its models folder.
 * Throws HearthError (classified by the caller).
 */
export async function listModels(http: HttpClient, e: EndpointConfig, o: ListOptions): Promise<ModelInfo[]> {
  if (e.kind === 'embedded') return listGguf(e.modelsDir)
  const root = trim(e.url ?? '')
  const label = `${e.kind} at ${root}`
  const call = async (path: string, method: 'GET' | 'POST', body?: string): Promise<unknown> => {
    const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(o.token) }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await http.request(`${root}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      timeoutMs: o.timeoutMs,
      responseTimeoutMs: o.timeoutMs,
      idleTimeoutMs: o.timeoutMs,
      label,
      ...(o.signal ? { signal: o.signal } : {}),
    })
    if (res.status < 200 || res.status >= 300) {
      throw statusError(res.status, await res.text(64 * 1024).catch(() => ''), { label, model: '' })
    }
    return res.json(8 * 1024 * 1024)
  }
  switch (e.kind) {
    case 'ollama': {
      const models = (await call('/api/tags', 'GET')) as { models?: unknown }
      if (!Array.isArray(models?.models)) throw bad(label, 'no models list')
      return (models.models as { name?: unknown; size?: unknown }[])
        .filter((m) => typeof m.name === 'string')
        .map((m) => ({
          name: m.name as string,
          sizeBytes: typeof m.size === 'number' ? m.size : null,
          state: null,
        }))
    }
    case 'triton': {
      const index = await call('/v2/repository/index', 'POST', '{}')
      if (!Array.isArray(index)) throw bad(label, 'repository index is not a list')
      return (index as { name?: unknown; state?: unknown }[])
        .filter((m) => typeof m.name === 'string')
        .map((m) => ({
          name: m.name as string,
          sizeBytes: null,
          state: typeof m.state === 'string' ? m.state : null,
        }))
    }
    case 'openai': {
      const path = root.endsWith('/v1') ? '/models' : '/v1/models'
      const list = (await call(path, 'GET')) as { data?: unknown }
      if (!Array.isArray(list?.data)) throw bad(label, 'no data list')
      return (list.data as { id?: unknown }[])
        .filter((m) => typeof m.id === 'string')
        .map((m) => ({ name: m.id as string, sizeBytes: null, state: null }))
    }
  }
}

async function listGguf(dir: string | undefined): Promise<ModelInfo[]> {
  const builtIn: ModelInfo = { name: 'default', sizeBytes: null, state: 'built-in embedder' }
  if (!dir) return [builtIn]
  let names: string[] = []
  try {
    names = (await readdir(dir)).filter((n) => /\.gguf$/i.test(n)).sort()
  } catch {
    return [builtIn]
  }
  const out: ModelInfo[] = []
  for (const n of names) {
    const s = await stat(join(dir, n)).catch(() => undefined)
    out.push({ name: n, sizeBytes: s?.size ?? null, state: null })
  }
  return [...out, builtIn]
}
