/**
 * Requests from a command to a view that owns the state (the chat panel's conversation, the
 * search panel's mode). DOM events, as for the getting-started page: the view may not be mounted
 * yet, and the command must not import the view.
 */
export interface ViewRequests {
  /** Start a new chat conversation. */
  'chat.new': undefined
  /** Switch the search panel to exact text ('literal') or back to code search ('hybrid'). */
  'search.mode': 'literal' | 'hybrid'
}

const PREFIX = 'hearth:request:'

export function requestView<K extends keyof ViewRequests>(kind: K, detail: ViewRequests[K]): void {
  window.dispatchEvent(new CustomEvent(PREFIX + kind, { detail }))
}

export function onViewRequest<K extends keyof ViewRequests>(
  kind: K,
  listener: (detail: ViewRequests[K]) => void,
): () => void {
  const handler = (e: Event): void => listener((e as CustomEvent<ViewRequests[K]>).detail)
  window.addEventListener(PREFIX + kind, handler)
  return () => window.removeEventListener(PREFIX + kind, handler)
}
