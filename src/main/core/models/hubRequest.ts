import { HearthError } from '@shared/errors'
import type { HttpClient } from '../net/httpClient'
import { bulkGet, type BulkResponse } from './bulkGet'

/** What the hub says about a file besides its bytes. */
export interface HubFileHeaders {
  /** sha256 of the whole file (hex), from `X-Linked-Etag` (LFS files) or a sha256-shaped `ETag`. */
  sha256?: string
  /** Size of the whole file, from `X-Linked-Size`, `Content-Range` or `Content-Length`. */
  totalBytes?: number
}

export interface HubResponse {
  response: BulkResponse
  info: HubFileHeaders
  /** Offset of the first body byte (0 unless the server answered a range). */
  start: number
}

const MAX_REDIRECTS = 5
const REDIRECTS = new Set([301, 302, 303, 307, 308])
const SHA256 = /^[0-9a-f]{64}$/

function header(res: BulkResponse, name: string): string | undefined {
  const v = res.headers[name]
  return Array.isArray(v) ? v[0] : v
}

function shaOf(etag: string | undefined): string | undefined {
  if (!etag) return undefined
  const v = etag
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase()
  return SHA256.test(v) ? v : undefined
}

function readInfo(res: BulkResponse, into: HubFileHeaders): void {
  into.sha256 ??= shaOf(header(res, 'x-linked-etag'))
  const linkedSize = Number(header(res, 'x-linked-size'))
  if (Number.isSafeInteger(linkedSize) && linkedSize > 0) into.totalBytes ??= linkedSize
}

/**
 * GET a hub file from `offset`, following the hub's redirect to its CDN by hand: the file's sha256
 * and size are on the redirect itself (`X-Linked-Etag`, `X-Linked-Size`), and the token must not
 * follow the request to another origin (the CDN URL is already signed).
 */
export async function requestHubFile(
  http: HttpClient,
  url: URL,
  opts: {
    offset: number
    token?: string
    signal?: AbortSignal
    label: string
    /** Sees the file's headers as soon as they are known (on the redirect); throwing stops there. */
    check?: (info: HubFileHeaders) => void
  },
): Promise<HubResponse> {
  const info: HubFileHeaders = {}
  let current = url
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'hearth' }
    if (opts.offset > 0) headers.range = `bytes=${opts.offset}-`
    if (opts.token && current.origin === url.origin) headers.authorization = `Bearer ${opts.token}`
    // Each hop on a connection of its own whose body is read without node:http (see bulkGet).
    const res = await bulkGet(http, current, {
      headers,
      signal: opts.signal,
      responseTimeoutMs: 30_000,
      idleTimeoutMs: 60_000,
      label: opts.label,
    })
    readInfo(res, info)
    if (REDIRECTS.has(res.status)) {
      res.discard()
      if (info.sha256) opts.check?.(info)
      const location = header(res, 'location')
      if (!location) throw new HearthError('invalid_result', `${opts.label} redirected without a Location`)
      current = new URL(location, current)
      continue
    }
    const out = finish(res, info, opts, url)
    try {
      opts.check?.(info)
    } catch (err) {
      res.discard()
      throw err
    }
    return out
  }
  throw new HearthError('invalid_result', `${opts.label} redirected more than ${MAX_REDIRECTS} times`)
}

function finish(
  res: BulkResponse,
  info: HubFileHeaders,
  opts: { offset: number; token?: string; label: string },
  url: URL,
): HubResponse {
  if (res.status === 200 || res.status === 206) {
    info.sha256 ??= shaOf(header(res, 'etag'))
    let start = 0
    if (res.status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(res, 'content-range') ?? '')
      if (m) {
        start = Number(m[1])
        if (m[3] !== '*') info.totalBytes ??= Number(m[3])
      }
    } else {
      const len = Number(header(res, 'content-length'))
      if (Number.isSafeInteger(len) && len >= 0) info.totalBytes ??= len
    }
    return { response: res, info, start }
  }
  res.discard()
  if (res.status === 416) return { response: res, info, start: opts.offset }
  if (res.status === 401 || res.status === 403)
    throw new HearthError(
      'unauthorized',
      opts.token
        ? `${opts.label} refused the Hugging Face token (HTTP ${res.status}): check that it can read this repository and that you accepted its licence on the hub`
        : `${opts.label} needs a Hugging Face token (HTTP ${res.status}): this repository is gated or private. Set HF_TOKEN, or save a Hugging Face token in Settings`,
      { status: res.status, reason: 'unauthorized' },
    )
  if (res.status === 404)
    throw new HearthError('not_found', `no such file on the hub: ${url.pathname}`, {
      status: 404,
      reason: 'model_missing',
    })
  throw new HearthError('unavailable', `${opts.label} answered HTTP ${res.status} ${res.statusText}`, {
    status: res.status,
    reason: 'server_error',
  })
}
