import type { Server } from 'node:http'
import type { Socket } from 'node:net'

export interface ConnectionLimits {
  /**
   * Connections open at once that are not an authenticated WebSocket (a browser loading assets
   * uses about six). One more closes the oldest of them: a pile of idle sockets opened once cannot
   * lock anyone out, only a flood faster than a request's round trip can.
   */
  maxPending: number
  /** Every connection, authenticated WebSockets included (beyond it, new ones are closed at once). */
  maxConnections: number
  /**
   * A new connection must send its request headers within this, and an upgraded WebSocket its
   * token message within this again; otherwise it is closed.
   */
  deadlineMs: number
}

export const DEFAULT_LIMITS: ConnectionLimits = { maxPending: 64, maxConnections: 512, deadlineMs: 5000 }

/**
 * Before the token check, a connection costs a descriptor and nothing proves who opened it: any
 * local user could hold thousands (19,900 idle sockets once made saves fail with EMFILE). This
 * keeps those connections few and short-lived; an authenticated WebSocket leaves its care.
 * Idle keep-alive sockets, slow requests and stalled responses are bounded by Node's own timeouts,
 * set here too.
 */
export class ConnectionGuard {
  /** Insertion order is age: the first entry is the oldest pending connection. */
  private readonly pending = new Map<Socket, ReturnType<typeof setTimeout> | undefined>()

  constructor(
    server: Server,
    private readonly limits: ConnectionLimits,
  ) {
    server.maxConnections = limits.maxConnections
    // Checked by Node every connectionsCheckingInterval (set at createServer): a request whose
    // headers trickle in, or whose whole request takes longer, is answered 408 and closed.
    server.headersTimeout = limits.deadlineMs
    server.requestTimeout = limits.deadlineMs * 2
    // An idle keep-alive socket closes after this (browsers reopen one when they need it).
    server.keepAliveTimeout = Math.min(5000, limits.deadlineMs)
    // No byte either way for this long (a response nobody reads): the socket is destroyed.
    // WebSockets clear it on upgrade (ws sets the socket's timeout to 0).
    server.timeout = 30_000
    server.on('connection', (socket: Socket) => this.admit(socket))
  }

  /** Node options that must be given to createServer rather than set afterwards. */
  static serverOptions(limits: ConnectionLimits): { connectionsCheckingInterval: number } {
    return { connectionsCheckingInterval: Math.max(100, Math.min(1000, limits.deadlineMs / 4)) }
  }

  /** The connection sent a request (its headers are in): the first deadline is met. */
  requestArrived(socket: Socket): void {
    if (!this.pending.has(socket)) return
    clearTimeout(this.pending.get(socket))
    this.pending.set(socket, undefined)
  }

  /** Upgraded to a WebSocket: it has the deadline again to send its token. */
  awaitToken(socket: Socket): void {
    if (!this.pending.has(socket)) return
    this.requestArrived(socket)
    this.pending.set(socket, this.deadline(socket))
  }

  /** An authenticated WebSocket: no deadline, not counted against maxPending. */
  authenticated(socket: Socket): void {
    clearTimeout(this.pending.get(socket))
    this.pending.delete(socket)
  }

  /** How many connections are pending now (for tests and diagnostics). */
  get pendingCount(): number {
    return this.pending.size
  }

  dispose(): void {
    for (const t of this.pending.values()) clearTimeout(t)
    this.pending.clear()
  }

  private admit(socket: Socket): void {
    while (this.pending.size >= this.limits.maxPending) {
      const oldest = this.pending.keys().next().value
      if (!oldest) break
      this.forget(oldest)
      oldest.destroy()
    }
    this.pending.set(socket, this.deadline(socket))
    socket.once('close', () => this.forget(socket))
  }

  private deadline(socket: Socket): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.forget(socket)
      socket.destroy()
    }, this.limits.deadlineMs)
    t.unref()
    return t
  }

  private forget(socket: Socket): void {
    clearTimeout(this.pending.get(socket))
    this.pending.delete(socket)
  }
}
