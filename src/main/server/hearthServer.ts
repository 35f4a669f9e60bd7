import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { HearthError } from '@shared/errors'
import type { Core } from '../core/createCore'
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../core/metrics/prometheus'
import {
  DELETE_STALE_COOKIE,
  bearerToken,
  hasStaleTokenCookie,
  isAllowedHost,
  isAllowedOrigin,
  isAuthorized,
  newToken,
} from './auth'
import { ConnectionGuard, DEFAULT_LIMITS, type ConnectionLimits } from './connectionGuard'
import { acceptRpcSocket } from './rpcSocket'
import { defaultRendererDir, send, serveStatic } from './staticFiles'

/** Extra authenticated HTTP routes (e.g. `/metrics`), keyed by exact path. */
export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

export interface ServerOptions {
  core: Core
  host?: string
  /** 0 picks a free port. */
  port?: number
  token?: string
  rendererDir?: string
  routes?: Record<string, Route>
  /** Limits on connections before the token check (tests shorten them). */
  limits?: Partial<ConnectionLimits>
}

export interface RunningServer {
  /** The page's address with the token in its fragment, which the browser sends to no server. */
  readonly url: string
  readonly port: number
  readonly host: string
  readonly token: string
  close(): Promise<void>
}

/** Big enough for a file save (files over 5 MB are refused anyway), small enough to bound memory. */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024

/**
 * `hearth serve`: the built renderer plus the contract over WebSocket (`/rpc`). The renderer's
 * files (HTML, JS, CSS: code, no workspace data) are served to anyone who passes the Host check,
 * so a reload needs nothing the page does not have. Everything that reaches the workspace needs
 * the token, never from a cookie: HTTP routes as `Authorization: Bearer`, the WebSocket as its
 * first message. Loopback by default; Host and Origin are checked; connections that have not
 * shown the token are capped and short-lived (ConnectionGuard).
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const token = opts.token ?? newToken()
  const rendererDir = opts.rendererDir ?? defaultRendererDir()
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...opts.limits }
  const { core } = opts
  const routes: Record<string, Route> = {
    // Prometheus scrape of latency histograms, resource readings and budgets; token like the rest.
    '/metrics': (req, res) => {
      const body = renderPrometheus(core.metrics.registry)
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' })
      res.end(req.method === 'HEAD' ? undefined : body)
    },
    ...opts.routes,
  }
  let port = 0

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })

  const server: Server = createServer(ConnectionGuard.serverOptions(limits), (req, res) => {
    guard.requestArrived(req.socket)
    if (!isAllowedHost(req.headers.host, host, port)) return send(res, 403, 'Forbidden')
    if (hasStaleTokenCookie(req)) res.setHeader('set-cookie', DELETE_STALE_COOKIE)
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed')
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const route = routes[url.pathname]
    if (!route) return serveStatic(rendererDir, url.pathname, res)
    if (!isAuthorized(token, bearerToken(req)))
      return send(
        res,
        401,
        'Unauthorized: send the token `hearth serve` printed as `Authorization: Bearer TOKEN`.',
      )
    Promise.resolve(route(req, res)).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${(err as Error).message}`)
      else res.destroy()
    })
  })
  const guard = new ConnectionGuard(server, limits)

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    guard.requestArrived(req.socket)
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (!isAllowedHost(req.headers.host, host, port)) return reject(403, 'Forbidden')
    if (new URL(req.url ?? '/', 'http://placeholder').pathname !== '/rpc') return reject(404, 'Not Found')
    if (!isAllowedOrigin(req.headers.origin, req.headers.host)) return reject(403, 'Forbidden')
    wss.handleUpgrade(req, socket, head, (ws) => acceptRpcSocket(ws, req.socket, { core, token, guard }))
  })

  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException): void => reject(listenError(err, host, opts.port ?? 0))
    server.once('error', fail)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', fail)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host

  return {
    url: `http://${urlHost}:${port}/#token=${token}`,
    port,
    host,
    token,
    close: async () => {
      for (const c of wss.clients) c.terminate()
      wss.close()
      guard.dispose()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Why the server could not listen, and what to do about it. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE')
    return new HearthError(
      'busy',
      `port ${port} on ${host} is already in use (another Hearth, or another program): choose another --port, or leave it out to get a free one`,
    )
  if (err.code === 'EACCES')
    return new HearthError(
      'forbidden',
      `not allowed to listen on port ${port} of ${host}: choose a port above 1023`,
    )
  if (err.code === 'EADDRNOTAVAIL')
    return new HearthError('invalid_argument', `${host} is not an address of this machine: check --host`)
  return err
}
