import type { HearthApi } from '@shared/contract'
import type { UserState } from '@shared/contract/session'
import { ObservableValue } from '../util/observableValue'

export const EMPTY_USER_STATE: UserState = {
  recentCommands: [],
  completions: { off: false, pausedUntil: null },
}

/** The user's UI state (recent commands, completions off or paused), shared by every window part. */
export const userState = new ObservableValue<UserState>(EMPTY_USER_STATE)

const MAX_RECENT_COMMANDS = 50

/** `item` first, without duplicates, at most `max` (most recent first). */
export function pushRecent(list: readonly string[], item: string, max: number): string[] {
  return [item, ...list.filter((x) => x !== item)].slice(0, max)
}

let persist: ((s: UserState) => void) | undefined

export function updateUserState(fn: (s: UserState) => UserState): void {
  const next = fn(userState.get())
  userState.set(next)
  persist?.(next)
}

export function noteCommandRun(id: string): void {
  updateUserState((s) => ({ ...s, recentCommands: pushRecent(s.recentCommands, id, MAX_RECENT_COMMANDS) }))
}

/**
 * Connects the state to the core for one workbench: takes the saved state and saves each change.
 * Returns the disconnect.
 */
export function bindUserState(api: HearthApi, root: string, saved: UserState): () => void {
  userState.set(saved)
  const save = (state: UserState): void => {
    void api.call('session.save', { root, user: state }).catch(() => undefined)
  }
  persist = save
  return () => {
    if (persist === save) persist = undefined
  }
}
