import type { Socket } from 'node:net'
import type { WebSocket } from 'ws'
import type { Core } from '../core/createCore'
import { RpcSession } from '../core/rpc/rpcSession'
import { authMessageToken, isAuthorized } from './auth'
import type { ConnectionGuard } from './connectionGuard'

/** Close codes the page can tell apart (4000–4999 are the application's). */
export const CLOSE_UNAUTHORIZED = 4401
/** Fits a close frame's 123-byte reason; the page shows it in its connection banner. */
const UNAUTHORIZED_REASON = 'unauthorized: open the URL that hearth serve printed (it carries the token)'

/** An auth message is a few dozen bytes; more than this before it is not a client of ours. */
const MAX_BYTES_BEFORE_AUTH = 4096

/**
 * One `/rpc` WebSocket. Its first message must be `{"t":"auth","token":"…"}`; until then nothing
 * else is read, the connection counts as pending (ConnectionGuard: deadline, cap) and may send at
 * most a few KB. A wrong or missing token closes it with 4401. After it, the contract's session
 * serves calls and events; messages are handled in arrival order, so calls sent right behind the
 * token are served.
 */
export function acceptRpcSocket(
  ws: WebSocket,
  socket: Socket,
  opts: { core: Core; token: string; guard: ConnectionGuard },
): void {
  let received = 0
  const countBytes = (chunk: Buffer): void => {
    received += chunk.length
    if (received > MAX_BYTES_BEFORE_AUTH) ws.terminate()
  }
  socket.on('data', countBytes)
  opts.guard.awaitToken(socket)
  ws.on('error', () => ws.terminate())

  ws.once('message', (data, isBinary) => {
    socket.off('data', countBytes)
    const token = isBinary ? undefined : authMessageToken(rawToString(data))
    if (!isAuthorized(opts.token, token)) {
      // Still pending: the guard's deadline ends it if the client never answers the close.
      ws.close(CLOSE_UNAUTHORIZED, UNAUTHORIZED_REASON)
      return
    }
    opts.guard.authenticated(socket)
    serveSession(ws, opts.core)
  })
}

function serveSession(ws: WebSocket, core: Core): void {
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
}

function rawToString(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}
