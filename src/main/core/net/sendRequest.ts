import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import type { ConnectInfo, HttpRequestOptions, HttpResponse } from './httpTypes'
import { mapNodeError } from './netFailure'
import type { Lookup } from './policyLookup'
import { RequestGuard } from './requestGuard'
import { readResponse } from './responseReader'

/** The client's side of one request: where its sockets come from and who hears of new ones. */
export interface RequestConnection {
  /** The keep-alive agent for the URL's protocol. */
  agent: http.Agent
  lookup: Lookup
  /** A new TCP connection opened (a reused keep-alive socket does not count). */
  onConnect(info: ConnectInfo): void
}

/**
 * Sends one request over node:http(s) under a RequestGuard; resolves with the response once its
 * headers came. `u` is already checked against the connection policies.
 */
export function sendRequest(
  u: URL,
  opts: HttpRequestOptions,
  label: string,
  conn: RequestConnection,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body))
    const mod = u.protocol === 'https:' ? https : http
    const req = mod.request(u, {
      method: opts.method ?? 'GET',
      headers,
      agent: conn.agent,
      lookup: conn.lookup,
    })
    const guard = new RequestGuard({
      label,
      signal: opts.signal,
      responseTimeoutMs: opts.responseTimeoutMs,
      timeoutMs: opts.timeoutMs,
      abandon: (err) => {
        req.destroy()
        reject(err)
      },
    })

    req.on('socket', (s: Socket) => {
      if (!s.connecting) return
      s.once('connect', () => {
        conn.onConnect({
          host: u.hostname,
          port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
          remoteAddress: s.remoteAddress,
        })
      })
    })
    req.on('error', (err: Error) => guard.failSocket(mapNodeError(err, label)))
    req.on('response', (incoming: IncomingMessage) => {
      if (guard.failed()) {
        incoming.destroy()
        return
      }
      guard.responded(incoming)
      resolve(readResponse(incoming, guard, label, opts.idleTimeoutMs))
    })
    req.end(opts.body)
  })
}
