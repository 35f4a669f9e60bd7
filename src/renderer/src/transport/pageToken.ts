/**
 * Where this tab keeps the token across reloads. sessionStorage belongs to this origin (scheme,
 * host and port: no other local server can read it) and to this tab, and ends with it. A cookie
 * would be sent to every port of the host.
 */
export const TOKEN_STORAGE_KEY = 'hearth.serveToken'

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>

/**
 * The access token `hearth serve` printed in the URL's fragment (`#token=`): the browser sends a
 * fragment to no server, not even ours. It is taken out of the address bar (history, bookmarks,
 * screenshots) and kept in this tab's sessionStorage, where a reload finds it again.
 */
export function takePageToken(
  loc: Pick<Location, 'href'>,
  hist: Pick<History, 'replaceState' | 'state'>,
  storage: Storage | undefined,
): string | undefined {
  const url = new URL(loc.href)
  const fragment = new URLSearchParams(url.hash.slice(1))
  const fromUrl = fragment.get('token') ?? undefined
  if (fromUrl === undefined) return read(storage)
  fragment.delete('token')
  const rest = fragment.toString()
  hist.replaceState(hist.state, '', url.pathname + url.search + (rest ? `#${rest}` : ''))
  try {
    storage?.setItem(TOKEN_STORAGE_KEY, fromUrl)
  } catch {
    // Storage refused (disabled, full): the token lives in page memory only; a reload needs the URL.
  }
  return fromUrl
}

function read(storage: Storage | undefined): string | undefined {
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? undefined
  } catch {
    return undefined
  }
}

/** The WebSocket endpoint on the page's own origin (the token goes in the first message, not here). */
export function rpcUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${loc.host}/rpc`
}

/** The first message on every `/rpc` WebSocket; the server reads nothing else before it. */
export function authMessage(token: string | undefined): string {
  return JSON.stringify({ t: 'auth', token: token ?? '' })
}
