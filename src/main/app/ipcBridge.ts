import { ipcMain, type IpcMainEvent, type WebContents } from 'electron'
import { IPC } from '@shared/contract'
import type { Core } from '../core/createCore'
import { RpcSession } from '../core/rpc/rpcSession'
import { isTrustedSender } from './security'

/**
 * Electron IPC transport for the contract: the same RpcSession the WebSocket server uses, one
 * per webContents, so validation, cancellation and events behave identically in both.
 */
export function registerIpc(core: Core): () => void {
  const sessions = new Map<number, { session: RpcSession; unsubscribe: () => void }>()

  const sessionFor = (wc: WebContents): RpcSession => {
    const existing = sessions.get(wc.id)
    if (existing) return existing.session
    const session = new RpcSession(
      core.dispatcher,
      (msg) => {
        if (!wc.isDestroyed()) wc.send(IPC.event, msg)
      },
      'ipc',
    )
    const unsubscribe = core.events.subscribe((event, payload) => session.sendEvent(event, payload))
    sessions.set(wc.id, { session, unsubscribe })
    const drop = (): void => {
      unsubscribe()
      session.close()
      sessions.delete(wc.id)
    }
    wc.once('destroyed', drop)
    // A reload is a new renderer: abort what the old page asked for.
    wc.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) drop()
    })
    return session
  }

  const onCall = (e: IpcMainEvent, msg: unknown): void => {
    if (!isTrustedSender(e.senderFrame)) return
    sessionFor(e.sender).receive(msg)
  }
  ipcMain.on(IPC.call, onCall)
  return () => {
    ipcMain.off(IPC.call, onCall)
    for (const s of sessions.values()) {
      s.unsubscribe()
      s.session.close()
    }
    sessions.clear()
  }
}
