import { useEffect, useState } from 'react'
import type { ConnectionState } from '../transport/connectionState'

/** Shown while the link to the core is down: what happened, when we retry, and a button to retry now. */
export function ConnectionBanner({ state, onRetry }: { state: ConnectionState; onRetry: () => void }) {
  const [now, setNow] = useState(() => Date.now())
  const [since, setSince] = useState(() => Date.now())
  useEffect(() => {
    setSince(Date.now())
    setNow(Date.now())
    if (state.kind !== 'disconnected') return
    const t = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(t)
  }, [state])
  if (state.kind === 'open') return null
  if (state.kind === 'connecting' && state.attempt === 0) return null
  const wait =
    state.kind === 'disconnected' ? Math.max(0, Math.ceil((state.retryInMs - (now - since)) / 1000)) : 0
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner" data-state={state.kind}>
      {state.kind === 'connecting'
        ? 'Reconnecting to Hearth…'
        : `Disconnected from Hearth (${state.reason}). Unsaved changes are kept in this window. Retrying${wait ? ` in ${wait}s` : ''}…`}
      {state.kind === 'disconnected' && (
        <button data-testid="connection-retry" onClick={onRetry}>
          Reconnect now
        </button>
      )}
    </div>
  )
}
