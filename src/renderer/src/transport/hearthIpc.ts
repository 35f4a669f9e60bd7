import type { ClientMessage, ServerMessage } from '@shared/rpc/wire'

/** What the Electron preload exposes on `window` (contextBridge): the contract's wire, nothing else. */
export interface HearthIpc {
  send: (msg: ClientMessage) => void
  onMessage(cb: (msg: ServerMessage) => void): () => void
}

declare global {
  interface Window {
    hearthIpc?: HearthIpc
  }
}
