import { HearthError } from '@shared/errors'
import type { Clock } from '../base/clock'
import type { EditorState } from './editorState'

/** Only gaps between requests shorter than this look like typing and feed the rhythm. */
const TYPING_GAP_MS = 1500

/** A request arrived at `now` (ms, monotonic): update the editor's moving average gap between keystrokes. */
export function noteKeystroke(ed: EditorState, now: number): void {
  if (ed.lastAt > 0) {
    const gap = now - ed.lastAt
    // A pause resets nothing.
    if (gap < TYPING_GAP_MS) ed.ewmaMs = ed.ewmaMs === null ? gap : ed.ewmaMs * 0.7 + gap * 0.3
  }
  ed.lastAt = now
}

/**
 * Adaptive debounce: a little longer than this editor's recent gap between keystrokes, so a
 * request fires when the user pauses rather than between two keys; never below the budget's
 * floor, never above the ceiling.
 */
export function debounceFor(ed: EditorState | undefined, floorMs: number, ceilingMs: number): number {
  const ceiling = Math.max(floorMs, ceilingMs)
  if (!ed || ed.ewmaMs === null) return floorMs
  return Math.round(Math.min(ceiling, Math.max(floorMs, ed.ewmaMs * 1.15)))
}

/** Waits `ms`; ends early (cancelled) when a newer request of the editor arrives or `signal` aborts. */
export function waitDebounce(
  clock: Clock,
  ed: EditorState,
  requestId: number,
  ms: number,
  signal: AbortSignal,
): Promise<void> {
  if (ms <= 0) return Promise.resolve()
  return new Promise<void>((resolve, reject) => {
    const finish = (err?: Error): void => {
      void timer.dispose()
      signal.removeEventListener('abort', onAbort)
      if (ed.wake === wake) ed.wake = undefined
      if (err) reject(err)
      else resolve()
    }
    const onAbort = (): void => finish(cancelled())
    const wake = (): void => {
      if (ed.latest !== requestId) finish(cancelled())
    }
    const timer = clock.setTimeout(() => finish(), ms)
    ed.wake = wake
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

export function cancelled(message = 'completion cancelled'): HearthError {
  return new HearthError('cancelled', message, { reason: 'cancelled' })
}
