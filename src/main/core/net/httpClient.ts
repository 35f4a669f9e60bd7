import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import tls from 'node:tls'
import { HearthError } from '@shared/errors'
import { allowAllPolicy, type ConnectionPolicy } from './connectionPolicy'
import { fetchOver } from './fetchAdapter'
import type { ConnectInfo, HttpClientOptions, HttpRequestOptions, HttpResponse } from './httpTypes'
import { cancelledError } from './netFailure'
import { policyLookup } from './policyLookup'
import { processConnectionPolicy, registerClient, unregisterClient } from './processPolicy'
import { sendRequest } from './sendRequest'
import type { Disposable } from '../base/lifecycle'

export type { ConnectInfo, HttpClientOptions, HttpRequestOptions, HttpResponse } from './httpTypes'
export type { NetFailure } from './netFailure'
export { processConnectionPolicy, setProcessConnectionPolicy } from './processPolicy'

/**
 * The core's one door to the network: node:http with keep-alive agents, deadlines for the three
 * ways a server fails silently (never answers, stalls mid-stream, takes too long overall), an
 * AbortSignal that tears the socket down at once, and a pluggable ConnectionPolicy checked both
 * on the URL and on every resolved address. Errors are HearthErrors with a `reason`.
 * Built on node:http rather than global fetch so the policy can sit at the socket layer and
 * timeouts can tell "no response" from "stalled".
 */
export class HttpClient implements Disposable {
  private policy: ConnectionPolicy
  private httpAgent: http.Agent
  private httpsAgent: https.Agent
  private readonly connectListeners = new Set<(info: ConnectInfo) => void>()
  private connections = 0
  private readonly ref = new WeakRef(this)
  /** DNS lookup with the policy applied to every address before any connection is attempted. */
  private readonly lookup = policyLookup(() => this.policy)

  constructor(private readonly options: HttpClientOptions = {}) {
    this.policy = options.policy ?? allowAllPolicy
    this.httpAgent = this.newHttpAgent()
    this.httpsAgent = this.newHttpsAgent()
    registerClient(this.ref)
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
    unregisterClient(this.ref)
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
      processConnectionPolicy().checkUrl(u)
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
    const label = opts.label ?? u.origin
    if (opts.signal?.aborted) return Promise.reject(cancelledError(label))
    return sendRequest(u, opts, label, {
      agent: u.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
      lookup: this.lookup,
      onConnect: (info) => {
        this.connections++
        for (const l of this.connectListeners) l(info)
      },
    })
  }

  /**
   * A fresh connection to `url`'s origin (TLS for https, the certificate checked) under the same
   * policies as `request` — the URL, then every resolved address — and counted like its
   * connections; the socket reads into `onread`'s buffer. For bulk bodies (a model download)
   * whose per-chunk cost through node:http (a fresh buffer per socket read, a copy per body
   * chunk in the parser) was most of the download's CPU. Throws when a policy refuses the URL; a
   * refused address fails the socket with an 'error'.
   */
  connect(url: URL, onread: net.OnReadOpts): net.Socket {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new HearthError('invalid_argument', `only http and https URLs are supported (${url.protocol})`)
    this.policy.checkUrl(url)
    processConnectionPolicy().checkUrl(url)
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
    const common = { host, port, lookup: this.lookup, onread }
    const socket =
      url.protocol === 'https:'
        ? tls.connect({
            ...common,
            servername: net.isIP(host) ? undefined : host,
            ALPNProtocols: ['http/1.1'],
          })
        : net.connect(common)
    socket.once('connect', () => {
      this.connections++
      const info = { host: url.hostname, port, remoteAddress: socket.remoteAddress }
      for (const l of this.connectListeners) l(info)
    })
    return socket
  }

  /**
   * A WHATWG `fetch` over this client, for libraries that take one (the `ollama` package):
   * they get the policy, keep-alive and deadlines, `signal` aborts every request they make, and
   * `headers` (the endpoint's credentials) go on every one of them.
   */
  fetchWith(defaults: Omit<HttpRequestOptions, 'method' | 'body'> = {}): typeof fetch {
    return fetchOver((url, opts) => this.request(url, opts), defaults)
  }

  private newHttpAgent(): http.Agent {
    return new http.Agent({ keepAlive: true, maxSockets: this.options.maxSockets ?? 16, scheduling: 'lifo' })
  }

  private newHttpsAgent(): https.Agent {
    return new https.Agent({ keepAlive: true, maxSockets: this.options.maxSockets ?? 16, scheduling: 'lifo' })
  }
}

/** The failure reason of a HearthError raised by this layer or a provider, if any. */
export { failureReason } from '@shared/errors'
