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
    let req: http.ClientRequest | undefined
    const guard = new RequestGuard({
      label,
      signal: opts.signal,
      responseTimeoutMs: opts.responseTimeoutMs,
      timeoutMs: opts.timeoutMs,
      abandon: (err) => {
        req?.destroy()
        reject(err)
      },
    })
    const send = (resends: number): void => {
      const r = mod.request(u, {
        method: opts.method ?? 'GET',
        headers,
        agent: conn.agent,
        lookup: conn.lookup,
      })
      req = r
      let responded = false
      r.on('socket', (s: Socket) => {
        if (!s.connecting) return
        s.once('connect', () => {
          conn.onConnect({
            host: u.hostname,
            port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
            remoteAddress: s.remoteAddress,
          })
        })
      })
      r.on('error', (err: Error) => {
        // A kept-alive socket that the server closed while it sat idle fails the next request at
        // once, before the server read it, so it goes again on another socket (Node's own advice
        // for `reusedSocket`). A reset that comes later may follow work the server did (a
        // generation started): that one, like a fresh connection's failure, is the answer.
        const atOnce = performance.now() - sentAt < STALE_WITHIN_MS
        if (!responded && r.reusedSocket && atOnce && resends > 0 && isStaleSocket(err) && !guard.failed()) {
          send(resends - 1)
          return
        }
        guard.failSocket(mapNodeError(err, label))
      })
      r.on('response', (incoming: IncomingMessage) => {
        responded = true
        if (guard.failed()) {
          incoming.destroy()
          return
        }
        guard.responded(incoming)
        resolve(readResponse(incoming, guard, label, opts.idleTimeoutMs))
      })
      const sentAt = performance.now()
      r.end(opts.body)
    }
    send(MAX_STALE_RESENDS)
  })
}

/** A stale socket fails the request as soon as it is written; a server at work takes longer. */
const STALE_WITHIN_MS = 1000

/** Free keep-alive sockets to one host can all have gone stale together; each resend drops one. */
const MAX_STALE_RESENDS = 4

function isStaleSocket(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ECONNRESET' || code === 'EPIPE'
}
