import { useEffect, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { BackendsStatus } from '@shared/contract/settings'
import { openGettingStarted } from '../setup/gettingStartedEvent'
import { backendStatusText, backendStatusTitle } from './backendStatusText'
import './settings.css'

/** Status bar item: where completions go now and what is wrong (down, slow, unauthorized, model missing…). */
export function BackendStatus({
  api,
  openPanel,
}: {
  api: Pick<HearthApi, 'call' | 'on'>
  openPanel?: (id: string) => void
}) {
  const [status, setStatus] = useState<BackendsStatus>()
  useEffect(() => {
    let live = true
    const off = api.on('backends.status', (s) => setStatus(s))
    api.call('backends.status', {}).then(
      (s) => live && setStatus((prev) => (prev && prev.updatedAt > s.updatedAt ? prev : s)),
      () => undefined,
    )
    return () => {
      live = false
      off()
    }
  }, [api])
  if (!status) return null
  const { text, tone } = backendStatusText(status)
  return (
    <button
      type="button"
      className={`backend-status backend-status-${tone}`}
      data-testid="status-backends"
      title={backendStatusTitle(status)}
      onClick={() => {
        // Nothing serves completions: the next step is a model, which the getting-started page sets up.
        if (!status.tasks.some((t) => t.task === 'completion' && t.endpointId)) openGettingStarted()
        else openPanel?.('settings')
      }}
    >
      {text}
    </button>
  )
}
