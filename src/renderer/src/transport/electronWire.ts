import type { Wire } from '@shared/rpc/client'
import type { HearthIpc } from './hearthIpc'

/** The Electron transport: the preload's bridge already has the Wire's shape. */
export function electronWire(ipc: HearthIpc): Wire {
  return {
    send: (msg) => ipc.send(msg),
    onMessage: (receive) => ipc.onMessage(receive),
  }
}
