import { useEffect } from 'react'
import type { HearthApi } from '@shared/contract'
import type { GitStatus } from '@shared/contract/git'
import { ObservableValue } from '../util/observableValue'
import { useObservable } from '../util/useObservable'

/**
 * The repository's status, shared by the source-control view, the branch in the status bar and
 * the explorer's decorations: one subscription to `git.changed` however many of them are shown.
 */
export const gitStatus = new ObservableValue<GitStatus | undefined>(undefined)
let lastKey = ''

/**
 * Takes a status from an answer or an event. An equal one keeps the current object, so views
 * keyed on it (the diff, the decorations) do not redo their work on every focus refresh.
 */
export function applyStatus(st: GitStatus): void {
  const key = JSON.stringify(st)
  if (key === lastKey) return
  lastKey = key
  gitStatus.set(st)
}

/** The change the diff editor shows (the source-control view sets it, the diff view reads it). */
export interface DiffRequest {
  path: string
  staged: boolean
}
export const diffRequest = new ObservableValue<DiffRequest | undefined>(undefined)

let users = 0
let stop: (() => void) | undefined

/** Asks the core for the status now (after a window regains focus: a commit in a terminal). */
export function refreshGit(api: HearthApi): void {
  api.call('git.status', {}).then(
    (st) => applyStatus(st),
    () => undefined,
  )
}

function connect(api: HearthApi): () => void {
  const off = api.on('git.changed', applyStatus)
  const onFocus = (): void => refreshGit(api)
  window.addEventListener('focus', onFocus)
  refreshGit(api)
  return () => {
    off()
    window.removeEventListener('focus', onFocus)
  }
}

/** The status, kept current while any component using this is mounted. */
export function useGitStatus(api: HearthApi): GitStatus | undefined {
  useEffect(() => {
    if (users++ === 0) stop = connect(api)
    return () => {
      if (--users === 0) {
        stop?.()
        stop = undefined
      }
    }
  }, [api])
  return useObservable(gitStatus)
}
