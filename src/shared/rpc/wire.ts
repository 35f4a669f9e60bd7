import type { WireError } from '../errors'

/** Messages on a duplex transport (WebSocket, Electron IPC). JSON-serialisable. */
export type ClientMessage =
  { t: 'call'; id: number; method: string; args: unknown } | { t: 'cancel'; id: number }

export type ServerMessage =
  | { t: 'ok'; id: number; value: unknown }
  | { t: 'err'; id: number; error: WireError }
  | { t: 'event'; event: string; payload: unknown }

export function isClientMessage(v: unknown): v is ClientMessage {
  if (typeof v !== 'object' || v === null) return false
  const m = v as Record<string, unknown>
  if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) return false
  if (m.t === 'call') return typeof m.method === 'string'
  return m.t === 'cancel'
}

export function isServerMessage(v: unknown): v is ServerMessage {
  if (typeof v !== 'object' || v === null) return false
  const m = v as Record<string, unknown>
  if (m.t === 'event') return typeof m.event === 'string'
  return (m.t === 'ok' || m.t === 'err') && typeof m.id === 'number'
}
