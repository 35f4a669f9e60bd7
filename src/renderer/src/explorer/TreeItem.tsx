import type { DragEvent, MouseEvent } from 'react'
import { GitDecorationBadge } from '../scm/GitDecorationBadge'
import type { TreeRow } from './flattenTree'

/** One row of the file tree (with its git decoration), and its folder's loading or error note. */
export function TreeItem({
  row,
  selected,
  active,
  dropTarget,
  onClick,
  onContextMenu,
  onDragStart,
  onDragEnd,
  onDragOver,
  onDrop,
}: {
  row: TreeRow
  selected: boolean
  active: boolean
  dropTarget: boolean
  onClick: () => void
  onContextMenu: (e: MouseEvent) => void
  onDragStart: (e: DragEvent) => void
  onDragEnd: () => void
  onDragOver: (e: DragEvent) => void
  onDrop: (e: DragEvent) => void
}) {
  const { entry, depth, expanded, state } = row
  const isDir = entry.kind === 'dir'
  const classes = [
    'tree-item',
    selected && 'selected',
    active && 'active',
    entry.ignored && 'ignored',
    entry.kind === 'symlink' && 'symlink',
    dropTarget && 'drop-target',
  ]
  return (
    <>
      <div
        className={classes.filter(Boolean).join(' ')}
        role="treeitem"
        aria-expanded={isDir ? expanded : undefined}
        aria-selected={selected}
        data-testid="explorer-item"
        data-path={entry.path}
        data-kind={entry.kind}
        style={{ paddingLeft: 8 + depth * 12 }}
        onClick={onClick}
        onContextMenu={onContextMenu}
        draggable
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragOver={onDragOver}
        onDrop={onDrop}
        title={entry.kind === 'symlink' ? `${entry.path} (link outside the workspace)` : entry.path}
      >
        <span className="twistie">{isDir ? (expanded ? '▾' : '▸') : ''}</span>
        <span className="tree-name">{entry.name}</span>
        <GitDecorationBadge path={entry.path} isDir={isDir} />
      </div>
      {isDir && expanded && state?.kind === 'loading' && (
        <div className="tree-note" style={{ paddingLeft: 20 + (depth + 1) * 12 }}>
          Loading…
        </div>
      )}
      {isDir && expanded && state?.kind === 'error' && (
        <div className="tree-note error" style={{ paddingLeft: 20 + (depth + 1) * 12 }}>
          {state.message}
        </div>
      )}
    </>
  )
}
