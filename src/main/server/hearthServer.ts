import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { HearthError } from '@shared/errors'
import type { Core } from '../core/createCore'
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../core/metrics/prometheus'
import { RpcSession } from '../core/rpc/rpcSession'
import { TOKEN_COOKIE, isAllowedHost, isAllowedOrigin, isAuthorized, newToken, tokenFrom } from './auth'
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
}

export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly host: string
  readonly token: string
  close(): Promise<void>
}

/** Big enough for a file save (files over 5 MB are refused anyway), small enough to bound memory. */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024

/**
 * `hearth serve`: the built renderer plus the contract over WebSocket (`/rpc`). Every HTTP and
 * WebSocket request needs the token; loopback by default; Host and Origin are checked.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const token = opts.token ?? newToken()
  const rendererDir = opts.rendererDir ?? defaultRendererDir()
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

  const authorize = (
    req: IncomingMessage,
  ): { ok: true; url: URL; via: string } | { ok: false; status: number; why: string } => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    if (!isAllowedHost(req.headers.host, host, port))
      return { ok: false, status: 403, why: 'host not allowed' }
    const t = tokenFrom(req, url)
    if (!isAuthorized(token, t.token)) return { ok: false, status: 401, why: 'missing or wrong token' }
    return { ok: true, url, via: t.via }
  }

  const server: Server = createServer((req, res) => {
    const a = authorize(req)
    if (!a.ok)
      return send(
        res,
        a.status,
        a.status === 401
          ? 'Unauthorized: open the URL that `hearth serve` printed (it carries the token).'
          : 'Forbidden',
      )
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed')
    if (a.via === 'query') {
      // Browsers do not repeat the query on asset requests: remember the token in a cookie.
      res.setHeader('set-cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
    }
    const route = routes[a.url.pathname]
    if (route) {
      Promise.resolve(route(req, res)).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, `internal error: ${(err as Error).message}`)
        else res.destroy()
      })
      return
    }
    serveStatic(rendererDir, a.url.pathname, res)
  })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const a = authorize(req)
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (!a.ok) return reject(a.status, a.status === 401 ? 'Unauthorized' : 'Forbidden')
    if (a.url.pathname !== '/rpc') return reject(404, 'Not Found')
    if (!isAllowedOrigin(req.headers.origin, req.headers.host)) return reject(403, 'Forbidden')
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  const attach = (ws: WebSocket): void => {
    const session = new RpcSession(
      core.dispatcher,
      (msg) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg))
      },
      'ws',
    )
    const unsubscribe = core.events.subscribe((event, payload) => session.sendEvent(event, payload))
    ws.on('message', (data, isBinary) => {
      if (isBinary) return session.receive(null)
      let msg: unknown
      try {
        msg = JSON.parse(rawToString(data))
      } catch {
        msg = null
      }
      session.receive(msg)
    })
    ws.on('close', () => {
      unsubscribe()
      session.close()
    })
    ws.on('error', () => ws.terminate())
  }

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
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    host,
    token,
    close: async () => {
      for (const c of wss.clients) c.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function rawToString(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
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
