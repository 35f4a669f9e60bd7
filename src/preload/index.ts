import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { IPC, isMethodName } from '../shared/contract'
import type { ClientMessage, ServerMessage } from '../shared/rpc/wire'

/**
 * The renderer's only door to the main process: a message pipe that carries nothing but the
 * contract. Method names are checked against the contract here (derived, not a hand-kept list);
 * arguments are validated again in main, because a compromised renderer is the threat model.
 */
const api = {
  send(msg: ClientMessage): void {
    if (msg.t === 'call' && !isMethodName(msg.method)) throw new Error(`unknown method ${String(msg.method)}`)
    if (msg.t !== 'call' && msg.t !== 'cancel') throw new Error('malformed message')
    ipcRenderer.send(IPC.call, msg)
  },
  onMessage(cb: (msg: ServerMessage) => void): () => void {
    const listener = (_e: IpcRendererEvent, msg: ServerMessage): void => cb(msg)
    ipcRenderer.on(IPC.event, listener)
    return () => {
      ipcRenderer.removeListener(IPC.event, listener)
    }
  },
}

contextBridge.exposeInMainWorld('hearthIpc', api)
