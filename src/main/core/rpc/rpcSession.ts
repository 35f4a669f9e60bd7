import type { ServerMessage } from '@shared/rpc/wire'
import { isClientMessage } from '@shared/rpc/wire'
import { HearthError, toWireError } from '@shared/errors'
import type { Dispatcher } from './dispatcher'
import type { CallContext } from './handlers'

/**
 * One connection's worth of calls (a WebSocket, or one Electron webContents). Owns an
 * AbortController per call so a `cancel` message — or the connection closing — aborts the work
 * all the way down.
 */
export class RpcSession {
  private readonly inFlight = new Map<number, AbortController>()
  private closed = false

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly send: (msg: ServerMessage) => void,
    private readonly transport: CallContext['transport'],
  ) {}

  receive(raw: unknown): void {
    if (this.closed) return
    if (!isClientMessage(raw)) {
      const id =
        typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number'
          ? (raw as { id: number }).id
          : -1
      this.send({
        t: 'err',
        id,
        error: toWireError(new HearthError('invalid_argument', 'malformed message')),
      })
      return
    }
    if (raw.t === 'cancel') {
      this.inFlight.get(raw.id)?.abort()
      this.inFlight.delete(raw.id)
      return
    }
    const { id, method, args } = raw
    const ac = new AbortController()
    this.inFlight.set(id, ac)
    this.dispatcher
      .dispatch(method, args, { signal: ac.signal, transport: this.transport })
      .then(
        (value) => {
          if (!ac.signal.aborted && !this.closed) this.send({ t: 'ok', id, value })
        },
        (err: unknown) => {
          if (!ac.signal.aborted && !this.closed) this.send({ t: 'err', id, error: toWireError(err) })
        },
      )
      .finally(() => {
        if (this.inFlight.get(id) === ac) this.inFlight.delete(id)
      })
  }

  sendEvent(event: string, payload: unknown): void {
    if (!this.closed) this.send({ t: 'event', event, payload })
  }

  close(): void {
    this.closed = true
    for (const ac of this.inFlight.values()) ac.abort()
    this.inFlight.clear()
  }
}
