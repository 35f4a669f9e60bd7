import { useEffect, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { CompletionStatus as Status } from '@shared/contract/completion'
import { completionStatusText, completionStatusTitle } from './completionStatusText'
import './completion.css'

/** Status bar item: the completion model and its state (ready, loading, generating, down, model missing…). */
export function CompletionStatus({ api }: { api: Pick<HearthApi, 'call' | 'on'> }) {
  const [status, setStatus] = useState<Status>()
  useEffect(() => {
    let live = true
    const off = api.on('completion.statusChanged', (s) => setStatus(s))
    api.call('completion.status', {}).then(
      (s) => live && setStatus((prev) => prev ?? s),
      () => undefined,
    )
    return () => {
      live = false
      off()
    }
  }, [api])
  if (!status) return null
  // Before any completion was asked for, a backend's trouble is the backend item's to show (it
  // says what completions will use, or the next step); a second warning here would only repeat it.
  if (status.state === 'error' && status.counts.requests === 0) return null
  const { text, tone } = completionStatusText(status)
  return (
    <span
      className={`completion-status completion-status-${tone}`}
      data-testid="completion-status"
      title={completionStatusTitle(status)}
    >
      {text}
    </span>
  )
}
