import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isLoopbackHostname } from '../core/net/connectionPolicy'

export const TOKEN_COOKIE = 'hearth_token'

export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === TOKEN_COOKIE) return v.join('=')
  }
  return undefined
}

/**
 * Where the request carried the token: the URL (`?token=`, printed by `hearth serve`), an
 * `Authorization: Bearer` header (scripts), or the HttpOnly cookie set on the first page load
 * (so assets and reloads of a page whose address bar no longer shows the token still work).
 */
export function tokenFrom(
  req: IncomingMessage,
  url: URL,
): { token: string | undefined; via: 'query' | 'header' | 'cookie' | 'none' } {
  const q = url.searchParams.get('token')
  if (q) return { token: q, via: 'query' }
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7).trim(), via: 'header' }
  const c = cookieToken(req)
  if (c) return { token: c, via: 'cookie' }
  return { token: undefined, via: 'none' }
}

export function isAuthorized(expected: string, got: string | undefined): boolean {
  return got !== undefined && safeEqual(expected, got)
}

/**
 * DNS-rebinding defence: a page on evil.example resolving to 127.0.0.1 sends `Host: evil.example`.
 * When bound to loopback we accept only loopback host names; when the user binds another address
 * explicitly, the token is the defence and any Host is accepted.
 */
export function isAllowedHost(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!isLoopbackHostname(boundHost)) return true
  if (!hostHeader) return false
  const allowed = ['127.0.0.1', 'localhost', '[::1]'].map((h) => `${h}:${port}`)
  return allowed.includes(hostHeader.toLowerCase())
}

/** WebSocket Origin check: browsers always send it; it must be this server's own origin. */
export function isAllowedOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true // non-browser clients (CLI, tests) send none; the token still applies
  if (!hostHeader) return false
  return origin === `http://${hostHeader}` || origin === `https://${hostHeader}`
}
