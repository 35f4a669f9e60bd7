import type { HearthApi } from '@shared/contract'
import { ContractClient } from '@shared/rpc/client'
import { ObservableValue } from '../util/observableValue'
import type { ConnectionState } from './connectionState'
import { browserSocket } from './browserSocket'
import { electronWire } from './electronWire'
import { authMessage, rpcUrl, takePageToken } from './pageToken'
import { WebSocketWire } from './webSocketWire'

export interface Connection {
  api: HearthApi
  state: ObservableValue<ConnectionState>
  /** Retry at once instead of waiting for the backoff (no-op on IPC). */
  reconnectNow: () => void
  transport: 'ipc' | 'websocket'
}

/**
 * Picks the transport: Electron's preload bridge when present, else the WebSocket of
 * `hearth serve` on this page's origin. Nothing above this function knows which one it got.
 */
export function connect(win: Window): Connection {
  if (win.hearthIpc) {
    return {
      api: new ContractClient(electronWire(win.hearthIpc)),
      state: new ObservableValue<ConnectionState>({ kind: 'open' }),
      reconnectNow: () => undefined,
      transport: 'ipc',
    }
  }
  // Kept in memory for reconnects and in this tab's sessionStorage for reloads; it goes to the
  // server only as the first message of each WebSocket (never a cookie: those reach every port).
  const token = takePageToken(win.location, win.history, sessionStorageOf(win))
  const wire = new WebSocketWire(
    () => rpcUrl(win.location),
    browserSocket,
    () => authMessage(token),
  )
  const client = new ContractClient(wire)
  wire.onDown((reason) => client.failAll(`disconnected: ${reason}`))
  return { api: client, state: wire.state, reconnectNow: () => wire.reconnectNow(), transport: 'websocket' }
}

/** Reading `sessionStorage` throws where storage is blocked; then the token lives in memory only. */
function sessionStorageOf(win: Window): Storage | undefined {
  try {
    return win.sessionStorage
  } catch {
    return undefined
  }
}
