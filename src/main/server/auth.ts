import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isLoopbackHostname } from '../core/net/connectionPolicy'

/**
 * The cookie older versions kept the token in. Cookies are not port-scoped, so the browser sent
 * it to every server on 127.0.0.1: it is never read now, and a response to a request that still
 * carries it deletes it.
 */
export const STALE_TOKEN_COOKIE = 'hearth_token'

/** The first WebSocket message: `{"t":"auth","token":"…"}` (browsers cannot set headers on a WebSocket). */
export const AUTH_MESSAGE_TYPE = 'auth'

export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The token of an HTTP request: only an `Authorization: Bearer` header. Not the URL (it would end
 * up in history and logs) and not a cookie (sent to every port of the host).
 */
export function bearerToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined
}

/** The token of a WebSocket's first message, or undefined when it is not an auth message. */
export function authMessageToken(raw: string): string | undefined {
  let msg: unknown
  try {
    msg = JSON.parse(raw)
  } catch {
    return undefined
  }
  if (typeof msg !== 'object' || msg === null) return undefined
  const m = msg as Record<string, unknown>
  return m.t === AUTH_MESSAGE_TYPE && typeof m.token === 'string' ? m.token : undefined
}

export function isAuthorized(expected: string, got: string | undefined): boolean {
  return got !== undefined && safeEqual(expected, got)
}

export function hasStaleTokenCookie(req: IncomingMessage): boolean {
  const header = req.headers.cookie
  if (!header) return false
  return header.split(';').some((part) => part.trim().split('=')[0] === STALE_TOKEN_COOKIE)
}

/** Tells the browser to drop the old cookie (it still carries the token to every local port). */
export const DELETE_STALE_COOKIE = `${STALE_TOKEN_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`

/**
 * DNS-rebinding defence: a page on evil.example resolving to 127.0.0.1 sends `Host: evil.example`.
 * When bound to loopback we accept only loopback names and the address we are bound to (which is
 * what the printed URL names, e.g. 127.0.0.2); when the user binds another address explicitly,
 * the token is the defence and any Host is accepted.
 */
export function isAllowedHost(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!isLoopbackHostname(boundHost)) return true
  if (!hostHeader) return false
  const bound = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost
  const allowed = new Set(['127.0.0.1', 'localhost', '[::1]', bound.toLowerCase()])
  return [...allowed].map((h) => `${h}:${port}`).includes(hostHeader.toLowerCase())
}

/** WebSocket Origin check: browsers always send it; it must be this server's own origin. */
export function isAllowedOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true // non-browser clients (CLI, tests) send none; the token still applies
  if (!hostHeader) return false
  return origin === `http://${hostHeader}` || origin === `https://${hostHeader}`
}
