import type { SocketLike } from './webSocketWire'

/** The browser's WebSocket seen through SocketLike (typed adapter, no casts). */
export function browserSocket(url: string): SocketLike {
  const ws = new WebSocket(url)
  const s: SocketLike = {
    get readyState() {
      return ws.readyState
    },
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    onopen: null,
    onclose: null,
    onerror: null,
    onmessage: null,
  }
  ws.onopen = (ev) => s.onopen?.(ev)
  ws.onclose = (ev) => s.onclose?.({ code: ev.code, reason: ev.reason })
  ws.onerror = (ev) => s.onerror?.(ev)
  ws.onmessage = (ev: MessageEvent<unknown>) => s.onmessage?.({ data: ev.data })
  return s
}
