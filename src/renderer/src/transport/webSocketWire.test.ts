import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ServerMessage } from '@shared/rpc/wire'
import type { SocketLike } from './webSocketWire'
import { WebSocketWire } from './webSocketWire'

/** An in-memory socket: the test plays the server by calling accept()/drop()/push(). */
class MemorySocket implements SocketLike {
  readyState = 0
  sent: string[] = []
  onopen: ((ev: unknown) => void) | null = null
  onclose: ((ev: { code: number; reason: string }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  constructor(readonly url: string) {}
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open')
    this.sent.push(data)
  }
  close(): void {
    this.readyState = 3
  }
  accept(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  drop(code = 1006): void {
    this.readyState = 3
    this.onclose?.({ code, reason: '' })
  }
  push(msg: unknown): void {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) })
  }
}

describe('WebSocketWire', () => {
  let sockets: MemorySocket[]
  let wire: WebSocketWire
  beforeEach(() => {
    vi.useFakeTimers()
    sockets = []
    wire = new WebSocketWire(
      () => 'ws://h/rpc',
      (url) => {
        const s = new MemorySocket(url)
        sockets.push(s)
        return s
      },
      () => '{"t":"auth","token":"t"}',
    )
  })
  afterEach(() => {
    wire.dispose()
    vi.useRealTimers()
  })

  it('queues calls while connecting and flushes them on open', () => {
    expect(wire.state.get().kind).toBe('connecting')
    wire.send({ t: 'call', id: 1, method: 'app.ping', args: {} })
    sockets[0]?.accept()
    expect(wire.state.get()).toEqual({ kind: 'open' })
    // The token first, then what waited.
    expect(sockets[0]?.sent.map((s) => JSON.parse(s) as unknown)).toEqual([
      { t: 'auth', token: 't' },
      { t: 'call', id: 1, method: 'app.ping', args: {} },
    ])
  })

  it('delivers valid server messages and drops garbage', () => {
    const got: ServerMessage[] = []
    wire.onMessage((m) => got.push(m))
    sockets[0]?.accept()
    sockets[0]?.push('{not json')
    sockets[0]?.push({ t: 'nonsense' })
    sockets[0]?.push({ t: 'ok', id: 3, value: 1 })
    expect(got).toEqual([{ t: 'ok', id: 3, value: 1 }])
  })

  it('reports a drop, refuses sends while down, and reconnects with backoff', () => {
    const downs: string[] = []
    wire.onDown((r) => downs.push(r))
    sockets[0]?.accept()
    sockets[0]?.drop()
    expect(downs).toEqual(['connection lost'])
    const s = wire.state.get()
    expect(s.kind).toBe('disconnected')
    expect(() => wire.send({ t: 'cancel', id: 1 })).toThrow(/disconnected/)
    vi.advanceTimersByTime(s.kind === 'disconnected' ? s.retryInMs : 0)
    expect(sockets).toHaveLength(2)
    expect(wire.state.get().kind).toBe('connecting')
    // Failing again waits longer (exponential backoff).
    sockets[1]?.drop()
    const s2 = wire.state.get()
    expect(s2.kind === 'disconnected' && s.kind === 'disconnected' && s2.retryInMs > s.retryInMs * 1.2).toBe(
      true,
    )
    wire.reconnectNow()
    expect(sockets).toHaveLength(3)
    sockets[2]?.accept()
    expect(wire.state.get().kind).toBe('open')
    // Each new socket shows the token again before anything else.
    expect(sockets[2]?.sent).toEqual(['{"t":"auth","token":"t"}'])
  })

  it('stops reconnecting once disposed', () => {
    sockets[0]?.drop()
    wire.dispose()
    vi.advanceTimersByTime(60_000)
    expect(sockets).toHaveLength(1)
  })
})
