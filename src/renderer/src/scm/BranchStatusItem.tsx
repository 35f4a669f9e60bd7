import type { HearthApi } from '@shared/contract'
import { useObservable } from '../util/useObservable'
import { BranchPicker } from './BranchPicker'
import { useGitStatus } from './gitState'
import { branchPicker } from './scmEvents'

/**
 * The branch in the status bar (or HEAD's short id when detached), `*` when the tree has changes,
 * ↑↓ against its upstream. A click opens the branch picker. It also keeps the shared status
 * current for the explorer's decorations while no source-control view is shown.
 */
export function BranchStatusItem({ api, openPanel }: { api: HearthApi; openPanel: (id: string) => void }) {
  const st = useGitStatus(api)
  const picker = useObservable(branchPicker)
  if (st?.state !== 'repo') return null
  const dirty = st.staged.changes.length + st.unstaged.changes.length + st.conflicts.changes.length > 0
  const name = st.branch ?? (st.head ? `${st.head} (detached)` : 'no commit yet')
  const sync =
    st.upstream && (st.ahead || st.behind)
      ? ` ${st.behind ? `${st.behind}↓` : ''}${st.ahead ? `${st.ahead}↑` : ''}`
      : ''
  return (
    <>
      <button
        className="scm-status-button"
        data-testid="status-branch"
        title={`${st.branch ? `Branch ${st.branch}` : 'Detached HEAD'}${dirty ? ', with changes' : ''}. Click to switch branch; right-click shows Source Control.`}
        onClick={() => branchPicker.set('switch')}
        onContextMenu={(e) => {
          e.preventDefault()
          openPanel('scm')
        }}
      >
        <span aria-hidden>⎇ </span>
        {name}
        {dirty ? '*' : ''}
        {sync}
      </button>
      {picker && <BranchPicker api={api} mode={picker} onClose={() => branchPicker.set(undefined)} />}
    </>
  )
}
