import { useEffect, useState } from 'react'
import { useObservable } from '../util/useObservable'
import { userState } from '../session/userState'
import { setCompletionsOff } from './completionsSwitch'

/**
 * Status bar item shown only while inline completions are off or paused (the model item beside
 * it says nothing of the switch): says so, and a click turns them back on.
 */
export function CompletionsSwitchItem() {
  const { off, pausedUntil } = useObservable(userState).completions
  const [now, setNow] = useState(() => Date.now())
  const paused = !off && pausedUntil !== null && pausedUntil > now
  useEffect(() => {
    if (!paused) return
    const t = setInterval(() => setNow(Date.now()), 15_000)
    return () => clearInterval(t)
  }, [paused])
  useEffect(() => setNow(Date.now()), [pausedUntil])
  if (!off && !paused) return null
  const minutes = paused ? Math.max(1, Math.ceil((pausedUntil - now) / 60_000)) : 0
  return (
    <button
      type="button"
      className="status-item status-button"
      data-testid="completions-switch"
      title="Inline completions are not offered. Click to turn them back on."
      onClick={() => setCompletionsOff(false)}
    >
      {off ? '✦ completions off' : `✦ paused ${minutes} min`}
    </button>
  )
}
