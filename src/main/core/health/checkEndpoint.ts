import { stat } from 'node:fs/promises'
import type { BackendState, ModelInfo } from '@shared/contract/settings'
import { HearthError } from '@shared/errors'
import type { BackendKind } from '@shared/settings/schema'
import { errorMessageFromBody, statusError } from '../net/upstreamErrors'
import type { HttpClient } from '../net/httpClient'
import { classifyFailure } from './classifyFailure'
import { embeddedModelPath } from '../files/modelPath'

export interface CheckTarget {
  endpointId: string
  kind: BackendKind
  /** Base URL (http kinds). */
  url?: string
  /** Sent as a bearer token when present. */
  token?: string
  /** Models the active profile needs from this endpoint (checked for presence/readiness). */
  models: readonly string[]
  /** Embedded: where relative GGUF names live. */
  modelsDir?: string
}

export interface CheckOptions {
  timeoutMs: number
  slowMs: number
  signal?: AbortSignal
}

export interface HealthResult {
  state: BackendState
  message: string
  fix?: string
  latencyMs: number
  /** What the server lists, when the check fetched it. */
  models?: ModelInfo[]
  /** Needed models the server lacks. */
  missingModels: string[]
  /** Failures that should count against the breaker (server unwell), vs. config problems. */
  breakerFailure: boolean
}

const trimSlash = (u: string): string => u.replace(/\/+$/, '')

/** The embedded embedder has built-in models with plain names; only *.gguf are files. */
const isGguf = (m: string): boolean => /\.gguf$/i.test(m)

/** Ollama names a model without a tag as ":latest". */
export function ollamaHas(names: readonly string[], model: string): boolean {
  const want = model.includes(':') ? model : `${model}:latest`
  return names.some((n) => n === model || n === want)
}

/**
 * One health check of one endpoint, by its protocol: Ollama `/api/version` + `/api/tags`,
 * Triton `/v2/health/ready` + `/v2/models/{m}/ready`, OpenAI-compatible `/v1/models`, embedded:
 * the GGUF files exist. Never throws; ends by `timeoutMs` whatever the server does.
 */
export async function checkEndpoint(
  http: HttpClient,
  t: CheckTarget,
  o: CheckOptions,
): Promise<HealthResult> {
  const started = performance.now()
  const done = (r: Omit<HealthResult, 'latencyMs'>): HealthResult => {
    const latencyMs = performance.now() - started
    if (r.state === 'ok' && latencyMs > o.slowMs) {
      return {
        ...r,
        latencyMs,
        state: 'slow',
        message: `${r.message} — slow: ${Math.round(latencyMs)} ms (> ${o.slowMs} ms)`,
      }
    }
    return { ...r, latencyMs }
  }
  try {
    switch (t.kind) {
      case 'ollama':
        return done(await checkOllama(http, t, o))
      case 'triton':
        return done(await checkTriton(http, t, o))
      case 'openai':
        return done(await checkOpenAi(http, t, o))
      case 'embedded':
        return done(await checkEmbedded(t))
    }
  } catch (err) {
    const c = classifyFailure(err)
    return done({
      state: c.state === 'ok' ? 'down' : c.state,
      message: c.message,
      ...(c.fix ? { fix: c.fix } : {}),
      missingModels: [],
      breakerFailure: c.breakerFailure,
    })
  }
}

type Check = Omit<HealthResult, 'latencyMs'>

interface Got {
  status: number
  json: unknown
  text: string
}

async function getJson(
  http: HttpClient,
  url: string,
  t: CheckTarget,
  o: CheckOptions,
  label: string,
): Promise<Got> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (t.token) headers.authorization = `Bearer ${t.token}`
  const res = await http.request(url, {
    method: 'GET',
    headers,
    timeoutMs: o.timeoutMs,
    responseTimeoutMs: o.timeoutMs,
    idleTimeoutMs: o.timeoutMs,
    label,
    ...(o.signal ? { signal: o.signal } : {}),
  })
  const text = await res.text(8 * 1024 * 1024)
  let json: unknown
  // Triton's readiness endpoints answer with an empty body.
  if (res.status >= 200 && res.status < 300 && text.trim() !== '') {
    try {
      json = JSON.parse(text) as unknown
    } catch {
      throw new HearthError('unavailable', `${label}: malformed JSON from ${url}: ${text.slice(0, 80)}`, {
        reason: 'malformed',
      })
    }
  }
  return { status: res.status, json, text }
}

const ok = (message: string, models: ModelInfo[] | undefined): Check =>
  models
    ? { state: 'ok', message, models, missingModels: [], breakerFailure: false }
    : { state: 'ok', message, missingModels: [], breakerFailure: false }

function httpFailure(label: string, g: Got, model = ''): never {
  throw statusError(g.status, g.text, { label, model })
}

async function checkOllama(http: HttpClient, t: CheckTarget, o: CheckOptions): Promise<Check> {
  const root = trimSlash(t.url ?? '')
  const label = `ollama at ${root}`
  const v = await getJson(http, `${root}/api/version`, t, o, label)
  if (v.status !== 200) httpFailure(label, v)
  const version = (v.json as { version?: unknown } | undefined)?.version
  if (typeof version !== 'string')
    throw new HearthError('unavailable', `${label}: /api/version has no version`, { reason: 'malformed' })
  const tags = await getJson(http, `${root}/api/tags`, t, o, label)
  if (tags.status !== 200) httpFailure(label, tags)
  const list = (tags.json as { models?: unknown } | undefined)?.models
  if (!Array.isArray(list))
    throw new HearthError('unavailable', `${label}: /api/tags has no models list`, { reason: 'malformed' })
  const models: ModelInfo[] = list
    .filter((m): m is { name: string; size?: unknown } => typeof (m as { name?: unknown }).name === 'string')
    .map((m) => ({ name: m.name, sizeBytes: typeof m.size === 'number' ? m.size : null, state: null }))
  const names = models.map((m) => m.name)
  const missing = t.models.filter((m) => !ollamaHas(names, m))
  if (missing.length > 0) {
    return {
      state: 'model_missing',
      message: `${label} (Ollama ${version}) does not have ${missing.map((m) => `"${m}"`).join(', ')}`,
      fix: missing.map((m) => `ollama pull ${m}`).join(' && '),
      models,
      missingModels: missing,
      breakerFailure: false,
    }
  }
  return ok(`Ollama ${version}`, models)
}

async function checkTriton(http: HttpClient, t: CheckTarget, o: CheckOptions): Promise<Check> {
  const root = trimSlash(t.url ?? '')
  const label = `triton at ${root}`
  const r = await getJson(http, `${root}/v2/health/ready`, t, o, label)
  if (r.status === 503) {
    return {
      state: 'not_ready',
      message: `${label}: server not ready (HTTP 503)`,
      missingModels: [],
      breakerFailure: true,
    }
  }
  if (r.status !== 200) httpFailure(label, r)
  const missing: string[] = []
  const notReady: string[] = []
  for (const m of t.models) {
    const mr = await getJson(http, `${root}/v2/models/${encodeURIComponent(m)}/ready`, t, o, label)
    if (mr.status === 200) continue
    if (mr.status === 401 || mr.status === 403) httpFailure(label, mr, m)
    // Triton: 400 "unknown model" when absent from the repository; 503/400 while loading or failed.
    const msg = errorMessageFromBody(mr.text)
    if (/unknown model|not found|no such/i.test(msg) || mr.status === 404) missing.push(m)
    else notReady.push(m)
  }
  if (missing.length > 0) {
    return {
      state: 'model_missing',
      message: `${label}: model ${missing.map((m) => `"${m}"`).join(', ')} not in the repository`,
      fix: missing
        .map((m) => `curl -X POST ${root}/v2/repository/models/${encodeURIComponent(m)}/load`)
        .join(' && '),
      missingModels: missing,
      breakerFailure: false,
    }
  }
  if (notReady.length > 0) {
    return {
      state: 'not_ready',
      message: `${label}: model ${notReady.map((m) => `"${m}"`).join(', ')} not ready (loading or failed)`,
      missingModels: [],
      breakerFailure: true,
    }
  }
  return ok('Triton ready', undefined)
}

async function checkOpenAi(http: HttpClient, t: CheckTarget, o: CheckOptions): Promise<Check> {
  const root = trimSlash(t.url ?? '')
  const label = `openai-compatible server at ${root}`
  const url = root.endsWith('/v1') ? `${root}/models` : `${root}/v1/models`
  const r = await getJson(http, url, t, o, label)
  if (r.status !== 200) httpFailure(label, r)
  const data = (r.json as { data?: unknown } | undefined)?.data
  if (!Array.isArray(data))
    throw new HearthError('unavailable', `${label}: /v1/models has no data list`, { reason: 'malformed' })
  const models: ModelInfo[] = data
    .filter((m): m is { id: string } => typeof (m as { id?: unknown }).id === 'string')
    .map((m) => ({ name: m.id, sizeBytes: null, state: null }))
  const missing = t.models.filter((m) => !models.some((x) => x.name === m))
  if (missing.length > 0) {
    return {
      state: 'model_missing',
      message: `${label} does not serve ${missing.map((m) => `"${m}"`).join(', ')} (it serves ${models.map((m) => m.name).join(', ') || 'nothing'})`,
      fix: `start the server with ${missing.map((m) => `"${m}"`).join(', ')} (e.g. \`vllm serve ${missing[0] ?? ''}\`), or pick a served model in Settings`,
      models,
      missingModels: missing,
      breakerFailure: false,
    }
  }
  return ok(`${models.length} model${models.length === 1 ? '' : 's'} served`, models)
}

async function checkEmbedded(t: CheckTarget): Promise<Check> {
  const missing: string[] = []
  const paths: string[] = []
  const models: ModelInfo[] = []
  for (const m of t.models) {
    if (!isGguf(m)) continue
    const path = embeddedModelPath(m, t.modelsDir)
    try {
      const s = await stat(path)
      models.push({ name: m, sizeBytes: s.size, state: null })
    } catch {
      missing.push(m)
      paths.push(path)
    }
  }
  if (missing.length > 0) {
    return {
      state: 'model_missing',
      message: `embedded engine: GGUF file ${paths.map((p) => `"${p}"`).join(', ')} not found`,
      fix: `put the GGUF file at ${paths[0] ?? ''} (or choose another file in Settings)`,
      models,
      missingModels: missing,
      breakerFailure: false,
    }
  }
  return ok('in-process engine', models)
}
