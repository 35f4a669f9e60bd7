import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import { HearthError, type FailureReason } from '@shared/errors'
import { allowAllPolicy, type ConnectionPolicy } from './connectionPolicy'

/** Why a request failed, in `HearthError.reason` — the status bar and the router read it. */
export type NetFailure = Extract<
  FailureReason,
  'refused' | 'dns' | 'reset' | 'no_response' | 'stalled' | 'deadline' | 'policy' | 'cancelled' | 'network'
>

export interface HttpRequestOptions {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  signal?: AbortSignal
  /** Longest wait from sending the request to the response headers (connect + server think time). */
  responseTimeoutMs?: number
  /** Longest wait for the next body chunk once the headers arrived (a stalled stream). */
  idleTimeoutMs?: number
  /** Whole request, headers and body, must finish within this. */
  timeoutMs?: number
  /** Names the peer in error messages, e.g. "ollama at http://127.0.0.1:11434". */
  label?: string
}

export interface HttpResponse {
  readonly status: number
  readonly statusText: string
  readonly headers: IncomingHttpHeaders
  /** The body with the idle/overall deadlines applied; iterate once. Breaking out frees the socket. */
  readonly body: AsyncIterable<Uint8Array>
  text(maxBytes?: number): Promise<string>
  json(maxBytes?: number): Promise<unknown>
  /** Drops the rest of the body (keeps nothing, frees the socket). */
  discard(): void
}

export interface ConnectInfo {
  host: string
  port: number
  remoteAddress: string | undefined
}

export interface HttpClientOptions {
  policy?: ConnectionPolicy
  /** Idle keep-alive sockets per origin. */
  maxSockets?: number
}

type Lookup = NonNullable<http.RequestOptions['lookup']>

/**
 * A process-wide floor under every client's own policy (the offline profile, set by the core's
 * routing services): a client created anywhere — an index embedder, a CLI command — obeys it too.
 */
let processPolicy: ConnectionPolicy = allowAllPolicy
const liveClients = new Set<WeakRef<HttpClient>>()

export function setProcessConnectionPolicy(policy: ConnectionPolicy): void {
  if (processPolicy === policy) return
  processPolicy = policy
  // Kept-alive sockets were opened under the old rule, and a reused socket skips the DNS check.
  for (const ref of liveClients) {
    const c = ref.deref()
    if (c) c.setPolicy(c.connectionPolicy)
    else liveClients.delete(ref)
  }
}

export const processConnectionPolicy = (): ConnectionPolicy => processPolicy

const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000
const DEFAULT_IDLE_TIMEOUT_MS = 30_000
const DEFAULT_MAX_BODY = 64 * 1024 * 1024

/**
 * The core's one door to the network: node:http with keep-alive agents, deadlines for the three
 * ways a server fails silently (never answers, stalls mid-stream, takes too long overall), an
 * AbortSignal that tears the socket down at once, and a pluggable ConnectionPolicy checked both
 * on the URL and on every resolved address. Errors are HearthErrors with a `reason`.
 * Built on node:http rather than global fetch so the policy can sit at the socket layer and
 * timeouts can tell "no response" from "stalled".
 */
export class HttpClient {
  private policy: ConnectionPolicy
  private httpAgent: http.Agent
  private httpsAgent: https.Agent
  private readonly connectListeners = new Set<(info: ConnectInfo) => void>()
  private connections = 0
  private readonly ref = new WeakRef(this)

  constructor(private readonly options: HttpClientOptions = {}) {
    this.policy = options.policy ?? allowAllPolicy
    this.httpAgent = this.newHttpAgent()
    this.httpsAgent = this.newHttpsAgent()
    liveClients.add(this.ref)
  }

  get connectionPolicy(): ConnectionPolicy {
    return this.policy
  }

  /** Switches policy at runtime; kept-alive sockets opened under the old one are closed. */
  setPolicy(policy: ConnectionPolicy): void {
    this.policy = policy
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
    this.httpAgent = this.newHttpAgent()
    this.httpsAgent = this.newHttpsAgent()
  }

  /** New TCP connections opened so far (reused keep-alive sockets do not count). */
  get connectionCount(): number {
    return this.connections
  }

  onConnect(listener: (info: ConnectInfo) => void): () => void {
    this.connectListeners.add(listener)
    return () => this.connectListeners.delete(listener)
  }

  dispose(): void {
    liveClients.delete(this.ref)
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
    this.connectListeners.clear()
  }

  request(url: string | URL, opts: HttpRequestOptions = {}): Promise<HttpResponse> {
    let u: URL
    try {
      u = typeof url === 'string' ? new URL(url) : url
    } catch {
      return Promise.reject(
        new HearthError('invalid_argument', `not a valid URL: ${String(url).slice(0, 200)}`),
      )
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      return Promise.reject(
        new HearthError('invalid_argument', `only http and https URLs are supported (${u.protocol})`),
      )
    }
    try {
      this.policy.checkUrl(u)
      processPolicy.checkUrl(u)
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
    const label = opts.label ?? u.origin
    const signal = opts.signal
    if (signal?.aborted) return Promise.reject(cancelledError(label))
    return new Promise<HttpResponse>((resolve, reject) => {
      let res: IncomingMessage | undefined
      let failure: HearthError | undefined
      let done = false
      const timers: NodeJS.Timeout[] = []

      const cleanup = (): void => {
        done = true
        for (const t of timers) clearTimeout(t)
        timers.length = 0
        signal?.removeEventListener('abort', onAbort)
      }
      const fail = (err: HearthError): void => {
        if (done || failure) return
        failure = err
        if (res) {
          // Body phase: the iterator rethrows `failure`.
          res.destroy(err)
        } else {
          cleanup()
          req.destroy()
          reject(err)
        }
      }
      const onAbort = (): void => fail(cancelledError(label))
      const failed = (): HearthError | undefined => failure

      const headers: Record<string, string> = { ...opts.headers }
      if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body))
      const agent = u.protocol === 'https:' ? this.httpsAgent : this.httpAgent
      const mod = u.protocol === 'https:' ? https : http
      const req = mod.request(u, { method: opts.method ?? 'GET', headers, agent, lookup: this.lookup })

      signal?.addEventListener('abort', onAbort, { once: true })
      const responseTimeout = opts.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS
      timers.push(
        setTimeout(
          () =>
            fail(
              new HearthError('timeout', `${label}: no response within ${responseTimeout} ms`, {
                reason: 'no_response' satisfies NetFailure,
              }),
            ),
          responseTimeout,
        ),
      )
      if (opts.timeoutMs !== undefined) {
        const total = opts.timeoutMs
        timers.push(
          setTimeout(
            () =>
              fail(
                new HearthError('timeout', `${label}: did not finish within ${total} ms`, {
                  reason: 'deadline' satisfies NetFailure,
                }),
              ),
            total,
          ),
        )
      }

      req.on('socket', (s: Socket) => {
        if (!s.connecting) return
        s.once('connect', () => {
          this.connections++
          const info = {
            host: u.hostname,
            port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
            remoteAddress: s.remoteAddress,
          }
          for (const l of this.connectListeners) l(info)
        })
      })
      req.on('error', (err: Error) => {
        if (failure) return
        const mapped = mapNodeError(err, label)
        if (res) {
          failure = mapped
          res.destroy(mapped)
        } else {
          fail(mapped)
        }
      })
      req.on('response', (incoming: IncomingMessage) => {
        if (failure) {
          incoming.destroy()
          return
        }
        res = incoming
        clearTimeout(timers[0])
        const idleMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
        let consumed = false
        const body = async function* (this: void): AsyncGenerator<Uint8Array> {
          if (consumed) throw new Error('response body already consumed')
          consumed = true
          const it = incoming[Symbol.asyncIterator]() as AsyncIterator<Buffer>
          let chunks = 0
          try {
            for (;;) {
              if (failure) throw failure
              const idle = setTimeout(
                () =>
                  fail(
                    new HearthError(
                      'timeout',
                      `${label}: stream stalled — no data for ${idleMs} ms${chunks ? ` after ${chunks} chunks` : ''}`,
                      { reason: 'stalled' satisfies NetFailure },
                    ),
                  ),
                idleMs,
              )
              let r: IteratorResult<Buffer>
              try {
                r = await it.next()
              } catch (err) {
                throw failure ?? mapNodeError(err as Error, label)
              } finally {
                clearTimeout(idle)
              }
              // `fail()` may have run while we awaited (a closure TS cannot see through).
              const late = failed()
              if (late) throw late
              if (r.done) return
              chunks++
              yield r.value
            }
          } finally {
            cleanup()
            if (!incoming.complete) incoming.destroy()
          }
        }
        const iterable: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => body() }
        const text = async (maxBytes = DEFAULT_MAX_BODY): Promise<string> => {
          const parts: Buffer[] = []
          let size = 0
          for await (const chunk of iterable) {
            size += chunk.byteLength
            if (size > maxBytes)
              throw new HearthError('too_large', `${label}: response larger than ${maxBytes} bytes`)
            parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
          }
          return Buffer.concat(parts).toString('utf8')
        }
        resolve({
          status: incoming.statusCode ?? 0,
          statusText: incoming.statusMessage ?? '',
          headers: incoming.headers,
          body: iterable,
          text,
          json: async (maxBytes) => {
            const t = await text(maxBytes)
            try {
              return JSON.parse(t) as unknown
            } catch {
              throw new HearthError(
                'unavailable',
                `${label}: malformed JSON in response: ${t.slice(0, 120)}`,
                {
                  reason: 'malformed',
                },
              )
            }
          },
          discard: () => {
            cleanup()
            incoming.destroy()
          },
        })
      })
      req.end(opts.body)
    })
  }

  /**
   * A WHATWG `fetch` over this client, for libraries that take one (the `ollama` package):
   * they get the policy, keep-alive and deadlines, and `signal` aborts every request they make.
   */
  fetchWith(defaults: Omit<HttpRequestOptions, 'method' | 'headers' | 'body'> = {}): typeof fetch {
    const f: typeof fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      const signals = [init?.signal, defaults.signal].filter((s): s is AbortSignal => !!s)
      const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0]
      const body = init?.body
      if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
        throw new HearthError('invalid_argument', 'fetchWith: only string or byte bodies are supported')
      }
      const res = await this.request(url, {
        ...defaults,
        method: init?.method ?? 'GET',
        headers: headersToRecord(init?.headers),
        ...(body !== undefined && body !== null ? { body } : {}),
        ...(signal ? { signal } : {}),
      })
      const it = res.body[Symbol.asyncIterator]()
      const stream =
        res.status === 204 || res.status === 304
          ? null
          : new ReadableStream<Uint8Array>({
              async pull(controller) {
                const r = await it.next()
                if (r.done) controller.close()
                else controller.enqueue(r.value)
              },
              async cancel() {
                await it.return?.()
              },
            })
      if (!stream) res.discard()
      return new Response(stream, {
        status: res.status,
        statusText: res.statusText,
        headers: toHeaders(res.headers),
      })
    }
    return f
  }

  private newHttpAgent(): http.Agent {
    return new http.Agent({ keepAlive: true, maxSockets: this.options.maxSockets ?? 16, scheduling: 'lifo' })
  }

  private newHttpsAgent(): https.Agent {
    return new https.Agent({ keepAlive: true, maxSockets: this.options.maxSockets ?? 16, scheduling: 'lifo' })
  }

  /** DNS lookup with the policy applied to every address before any connection is attempted. */
  private readonly lookup: Lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, [])
        return
      }
      try {
        for (const a of addresses) {
          this.policy.checkAddress(hostname, a.address)
          processPolicy.checkAddress(hostname, a.address)
        }
      } catch (e) {
        callback(e as NodeJS.ErrnoException, [])
        return
      }
      if (options.all) callback(null, addresses)
      else {
        const first = addresses[0]
        callback(null, first?.address ?? '', first?.family ?? 4)
      }
    })
  }
}

function cancelledError(label: string): HearthError {
  return new HearthError('cancelled', `${label}: request cancelled`, {
    reason: 'cancelled' satisfies NetFailure,
  })
}

function mapNodeError(err: Error, label: string): HearthError {
  if (err instanceof HearthError) return err
  const code = (err as NodeJS.ErrnoException).code
  const reason = (r: NetFailure): { reason: NetFailure; cause?: string } =>
    code ? { reason: r, cause: code } : { reason: r }
  switch (code) {
    case 'ECONNREFUSED':
      return new HearthError(
        'unavailable',
        `${label}: connection refused — is the server running?`,
        reason('refused'),
      )
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HearthError('unavailable', `${label}: host name not found`, reason('dns'))
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return new HearthError(
        'unavailable',
        `${label}: connection closed by the server mid-request`,
        reason('reset'),
      )
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new HearthError('unavailable', `${label}: host unreachable (${code})`, reason('network'))
    default:
      if (err.message === 'aborted' || err.message === 'socket hang up') {
        return new HearthError(
          'unavailable',
          `${label}: connection closed by the server mid-request`,
          reason('reset'),
        )
      }
      return new HearthError('unavailable', `${label}: ${err.message}`, reason('network'))
  }
}

function headersToRecord(h: ConstructorParameters<typeof Headers>[0] | undefined): Record<string, string> {
  if (!h) return {}
  if (h instanceof Headers) {
    const out: Record<string, string> = {}
    h.forEach((v, k) => (out[k] = v))
    return out
  }
  if (Array.isArray(h)) return Object.fromEntries(h.map(([k, v]) => [k ?? '', v ?? '']))
  return { ...(h as Record<string, string>) }
}

function toHeaders(h: IncomingHttpHeaders): Headers {
  const out = new Headers()
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue
    if (Array.isArray(v)) for (const x of v) out.append(k, x)
    else out.set(k, v)
  }
  return out
}

/** The failure reason of a HearthError raised by this layer or a provider, if any. */
export { failureReason } from '@shared/errors'
