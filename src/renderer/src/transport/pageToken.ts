/**
 * Takes the access token `hearth serve` printed in the URL (`?token=`) and removes it from the
 * address bar, so it does not end up in history, bookmarks or screenshots. Reloads still work:
 * the server set an HttpOnly cookie on the first page load.
 */
export function takePageToken(
  loc: Pick<Location, 'href'>,
  hist: Pick<History, 'replaceState' | 'state'>,
): string | undefined {
  const url = new URL(loc.href)
  const token = url.searchParams.get('token') ?? undefined
  if (token === undefined) return undefined
  url.searchParams.delete('token')
  hist.replaceState(hist.state, '', url.pathname + url.search + url.hash)
  return token
}

/** The WebSocket endpoint on the page's own origin. */
export function rpcUrl(loc: Pick<Location, 'protocol' | 'host'>, token: string | undefined): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:'
  const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`
  return `${scheme}//${loc.host}/rpc${query}`
}
