import type { GitChange, GitChangeGroup } from '@shared/contract/git'
import { decorationOf } from './gitDecorations'

interface GroupProps {
  id: 'conflicts' | 'staged' | 'unstaged'
  title: string
  group: GitChangeGroup
  /** The row's diff shown now, if it is in this group. */
  selected: string | undefined
  onOpenDiff: (change: GitChange) => void
  onOpenFile: (change: GitChange) => void
  /** Stage (for 'unstaged'/'conflicts') or unstage (for 'staged') some or all of the group. */
  onMove: (paths: string[], all: boolean) => void
}

/** One group of the source-control view: a header with a count and a move-all button, then rows. */
export function ScmGroup({ id, title, group, selected, onOpenDiff, onOpenFile, onMove }: GroupProps) {
  const count = group.changes.length + group.more
  if (count === 0) return null
  const staging = id !== 'staged'
  return (
    <div className="scm-group" data-testid={`scm-group-${id}`} role="group" aria-label={title}>
      <div className="scm-group-header">
        <span className="scm-group-title">{title}</span>
        <button
          className="icon-button scm-action"
          title={staging ? 'Stage All Changes' : 'Unstage All Changes'}
          data-testid={staging ? `scm-stage-all-${id}` : 'scm-unstage-all'}
          onClick={() => onMove([], true)}
        >
          {staging ? '+' : '−'}
        </button>
        <span className="scm-count">{count}</span>
      </div>
      {group.changes.map((c) => (
        <ScmRow
          key={c.path}
          change={c}
          staging={staging}
          selected={selected === c.path}
          onOpenDiff={() => onOpenDiff(c)}
          onOpenFile={() => onOpenFile(c)}
          onMove={() => onMove([c.path], false)}
        />
      ))}
      {group.more > 0 && (
        <div className="scm-more" data-testid="scm-more">
          {group.more.toLocaleString()} more not listed (use git in a terminal to see them all)
        </div>
      )}
    </div>
  )
}

function ScmRow({
  change,
  staging,
  selected,
  onOpenDiff,
  onOpenFile,
  onMove,
}: {
  change: GitChange
  staging: boolean
  selected: boolean
  onOpenDiff: () => void
  onOpenFile: () => void
  onMove: () => void
}) {
  const d = decorationOf(change.kind)
  const slash = change.path.lastIndexOf('/')
  const name = change.path.slice(slash + 1)
  const dir = slash > 0 ? change.path.slice(0, slash) : ''
  const title = change.origPath
    ? `${change.origPath} → ${change.path} (${d.label})`
    : `${change.path} (${d.label})`
  return (
    <div
      className={`scm-row${selected ? ' selected' : ''}`}
      role="treeitem"
      aria-selected={selected}
      tabIndex={0}
      data-testid="scm-row"
      data-path={change.path}
      title={title}
      onClick={onOpenDiff}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onOpenDiff()
        else if (e.key === ' ') onMove()
        else return
        e.preventDefault()
      }}
    >
      <span className={`scm-name git-${d.tone}${change.kind === 'D' ? ' deleted' : ''}`}>{name}</span>
      <span className="scm-dir">{dir}</span>
      <span className="scm-row-actions">
        {change.kind !== 'D' && (
          <button
            className="icon-button scm-action"
            title="Open File"
            data-testid="scm-open-file"
            onClick={(e) => {
              e.stopPropagation()
              onOpenFile()
            }}
          >
            ↗
          </button>
        )}
        <button
          className="icon-button scm-action"
          title={staging ? 'Stage Changes' : 'Unstage Changes'}
          data-testid={staging ? 'scm-stage' : 'scm-unstage'}
          onClick={(e) => {
            e.stopPropagation()
            onMove()
          }}
        >
          {staging ? '+' : '−'}
        </button>
      </span>
      <span className={`git-deco git-${d.tone}`}>{d.letter}</span>
    </div>
  )
}
