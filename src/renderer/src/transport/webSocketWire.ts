import type { Wire } from '@shared/rpc/client'
import type { ClientMessage, ServerMessage } from '@shared/rpc/wire'
import { isServerMessage } from '@shared/rpc/wire'
import { ObservableValue } from '../util/observableValue'
import { backoffDelay } from './backoff'
import type { ConnectionState } from './connectionState'

/** The subset of the WebSocket API used here, so tests can pass Node's `ws`. */
export interface SocketLike {
  readonly readyState: number
  send: (data: string) => void
  close: (code?: number, reason?: string) => void
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
}

export type SocketFactory = (url: string) => SocketLike

const OPEN = 1
/** Calls made while the socket is (re)connecting wait for it, up to this many. */
const MAX_QUEUED = 1000

/**
 * The `hearth serve` transport: one WebSocket to `/rpc`, reconnected with backoff. Messages sent
 * while connecting are queued; when the socket drops, `onDown` fires so the client can fail the
 * calls whose answers are lost (the server aborts them on its side too).
 */
export class WebSocketWire implements Wire {
  readonly state = new ObservableValue<ConnectionState>({ kind: 'connecting', attempt: 0 })
  private socket: SocketLike | undefined
  private receiver: ((msg: ServerMessage) => void) | undefined
  private queue: string[] = []
  private attempt = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private disposed = false
  private readonly downListeners = new Set<(reason: string) => void>()

  /**
   * `hello` is sent first on every socket, before any queued call (the `hearth serve` token: a
   * browser cannot put it in a WebSocket's headers, and the URL would log it).
   */
  constructor(
    private readonly url: () => string,
    private readonly createSocket: SocketFactory,
    private readonly hello?: () => string,
  ) {
    this.open()
  }

  send(msg: ClientMessage): void {
    const data = JSON.stringify(msg)
    if (this.socket?.readyState === OPEN) {
      this.socket.send(data)
      return
    }
    if (this.state.get().kind !== 'connecting') throw new Error('disconnected from Hearth')
    if (this.queue.length >= MAX_QUEUED) throw new Error('too many calls waiting for the connection')
    this.queue.push(data)
  }

  onMessage(receive: (msg: ServerMessage) => void): () => void {
    this.receiver = receive
    return () => {
      if (this.receiver === receive) this.receiver = undefined
    }
  }

  /** Fires each time an open (or opening) socket is lost. */
  onDown(listener: (reason: string) => void): () => void {
    this.downListeners.add(listener)
    return () => this.downListeners.delete(listener)
  }

  /** Skips the backoff wait (the user clicked "Reconnect now"). */
  reconnectNow(): void {
    if (this.disposed || this.state.get().kind !== 'disconnected') return
    clearTimeout(this.retryTimer)
    this.open()
  }

  dispose(): void {
    this.disposed = true
    clearTimeout(this.retryTimer)
    const s = this.socket
    this.socket = undefined
    if (s) {
      s.onclose = null
      s.close(1000, 'bye')
    }
  }

  private open(): void {
    this.state.set({ kind: 'connecting', attempt: this.attempt })
    let socket: SocketLike
    try {
      socket = this.createSocket(this.url())
    } catch (err) {
      this.down(err instanceof Error ? err.message : String(err))
      return
    }
    this.socket = socket
    socket.onopen = () => {
      this.attempt = 0
      this.state.set({ kind: 'open' })
      const queued = this.queue
      this.queue = []
      if (this.hello) socket.send(this.hello())
      for (const data of queued) socket.send(data)
    }
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return
      let msg: unknown
      try {
        msg = JSON.parse(ev.data)
      } catch {
        return // a garbled frame is dropped; the call it belonged to fails on its own
      }
      if (isServerMessage(msg)) this.receiver?.(msg)
    }
    socket.onerror = () => {
      // Browsers give no detail here; onclose follows and handles it.
    }
    socket.onclose = (ev) => {
      if (this.socket !== socket) return
      this.socket = undefined
      this.down(ev.reason || (ev.code === 1006 ? 'connection lost' : `closed (${ev.code})`))
    }
  }

  private down(reason: string): void {
    this.queue = []
    for (const l of [...this.downListeners]) l(reason)
    if (this.disposed) return
    const retryInMs = backoffDelay(this.attempt)
    this.state.set({ kind: 'disconnected', attempt: this.attempt, retryInMs, reason })
    this.attempt++
    this.retryTimer = setTimeout(() => this.open(), retryInMs)
  }
}
