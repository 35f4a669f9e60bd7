import WebSocket from 'ws'
import { ContractClient, type Wire } from '../../src/shared/rpc/client'
import { isServerMessage, type ServerMessage } from '../../src/shared/rpc/wire'

/** The token of a printed URL: its fragment (`#token=`), or the query of older scripts' URLs. */
export function tokenOf(httpUrl: string): string {
  const u = new URL(httpUrl)
  return new URLSearchParams(u.hash.slice(1)).get('token') ?? u.searchParams.get('token') ?? ''
}

/** Opens `/rpc` and sends the token as the first message, as the renderer does. */
export async function openRpcSocket(
  httpUrl: string,
  opts: { origin?: string; token?: string } = {},
): Promise<WebSocket> {
  const u = new URL(httpUrl)
  const ws = new WebSocket(`ws://${u.host}/rpc`, opts.origin ? { origin: opts.origin } : {})
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
  ws.send(JSON.stringify({ t: 'auth', token: opts.token ?? tokenOf(httpUrl) }))
  return ws
}

/**
 * A ContractClient over a real WebSocket to `hearth serve` (or startServer in-process): the same
 * client code the renderer runs, on Node's `ws`. `url` is the printed http URL with its token.
 */
export async function connectContract(
  httpUrl: string,
  opts: { origin?: string } = {},
): Promise<{ client: ContractClient; ws: WebSocket; close: () => void }> {
  const ws = await openRpcSocket(httpUrl, opts)
  const wire: Wire = {
    send: (msg) => ws.send(JSON.stringify(msg)),
    onMessage: (receive) => {
      const l = (data: WebSocket.RawData): void => {
        const parsed: unknown = JSON.parse(rawText(data))
        if (isServerMessage(parsed)) receive(parsed)
      }
      ws.on('message', l)
      return () => ws.off('message', l)
    },
  }
  const client = new ContractClient(wire)
  ws.on('close', () => client.failAll('connection closed'))
  return {
    client,
    ws,
    close: () => {
      client.dispose()
      ws.close()
    },
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

/** Sends a raw message (bypassing client-side validation) and waits for the reply with that id. */
export function rawCall(ws: WebSocket, msg: unknown, id: number): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const l = (data: WebSocket.RawData): void => {
      const parsed = JSON.parse(rawText(data)) as ServerMessage
      if (parsed.t !== 'event' && parsed.id === id) {
        ws.off('message', l)
        resolve(parsed)
      }
    }
    ws.on('message', l)
    ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg))
  })
}
