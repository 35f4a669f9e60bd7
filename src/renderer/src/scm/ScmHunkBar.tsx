import { useState } from 'react'
import type { HearthApi } from '@shared/contract'
import { applyStatus, type DiffRequest } from './gitState'
import { applyChange, revertChange, type LineChange } from './hunkText'

interface Props {
  api: HearthApi
  req: DiffRequest
  /** The texts shown: the index on the left (unstaged) or on the right (staged). */
  original: string
  modified: string
  changes: readonly LineChange[]
  /** The cursor's line on the right side: the hunk it is in (or the next one) is the one acted on. */
  cursorLine: number
  goTo: (where: 'next' | 'previous') => void
}

/** Which change the cursor is in, or the first after it, or the last. */
export function currentChange(changes: readonly LineChange[], line: number): number {
  const at = changes.findIndex((c) => line <= Math.max(c.modifiedEndLineNumber, c.modifiedStartLineNumber))
  return at < 0 ? changes.length - 1 : at
}

/**
 * Stage (or, in a staged diff, unstage) one hunk: the index's copy of the file becomes the text
 * with only that change taken (or put back). The core refuses if the index moved meanwhile.
 */
export function ScmHunkBar({ api, req, original, modified, changes, cursorLine, goTo }: Props) {
  const [error, setError] = useState<string | undefined>()
  if (changes.length === 0) return null
  const i = currentChange(changes, cursorLine)
  const change = changes[i]
  const act = (): void => {
    if (!change) return
    setError(undefined)
    const text = req.staged
      ? revertChange(original, modified, change)
      : applyChange(original, modified, change)
    const base = req.staged ? modified : original
    api
      .call('git.stageText', { path: req.path, text, base })
      .then(applyStatus, (err: unknown) => setError((err as Error).message))
  }
  return (
    <div className="scm-hunk-bar" data-testid="scm-hunk-bar">
      <button className="icon-button" title="Previous Change" onClick={() => goTo('previous')}>
        ↑
      </button>
      <button className="icon-button" title="Next Change" onClick={() => goTo('next')}>
        ↓
      </button>
      <span className="muted">
        Change {i + 1} of {changes.length}
      </span>
      <button data-testid={req.staged ? 'scm-unstage-hunk' : 'scm-stage-hunk'} onClick={act}>
        {req.staged ? 'Unstage Change' : 'Stage Change'}
      </button>
      {error && (
        <span className="scm-error" role="alert">
          {error}
        </span>
      )}
    </div>
  )
}
