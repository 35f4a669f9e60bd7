import { useCallback, useEffect, useRef, useState } from 'react'
import type { KeyboardEvent } from 'react'
import type { PanelProps } from '../workbench/contributionTypes'
import { ancestors, flattenTree, type DirState, type TreeRow } from './flattenTree'

/**
 * The file tree. Lazy: a folder is listed (`workspace.list`) when first expanded and listed
 * again when the core reports it changed (`workspace.treeChanged`).
 */
export function ExplorerPanel({ api, openFile, visible, activePath }: PanelProps) {
  const [dirs, setDirs] = useState<Map<string, DirState>>(() => new Map())
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set())
  const [selected, setSelected] = useState<string | undefined>()
  const [rootName, setRootName] = useState('')
  const dirsRef = useRef(dirs)
  dirsRef.current = dirs
  const treeRef = useRef<HTMLDivElement>(null)

  const load = useCallback(
    (dir: string) => {
      setDirs((m) => (m.get(dir)?.kind === 'loaded' ? m : new Map(m).set(dir, { kind: 'loading' })))
      api.call('workspace.list', { dir }).then(
        (entries) => setDirs((m) => new Map(m).set(dir, { kind: 'loaded', entries })),
        (err: unknown) =>
          setDirs((m) => new Map(m).set(dir, { kind: 'error', message: (err as Error).message })),
      )
    },
    [api],
  )

  const reset = useCallback(() => {
    setDirs(new Map())
    setExpanded(new Set())
    load('')
    api.call('workspace.info', {}).then(
      (info) => setRootName(info?.name ?? ''),
      () => undefined,
    )
  }, [api, load])

  useEffect(() => {
    reset()
    const offOpened = api.on('workspace.opened', reset)
    const offTree = api.on('workspace.treeChanged', ({ dirs: changed }) => {
      for (const d of changed) if (dirsRef.current.has(d)) load(d)
    })
    return () => {
      offOpened()
      offTree()
    }
  }, [api, load, reset])

  // Reveal the active file: expand its folders (listing them if needed) and select it.
  useEffect(() => {
    if (!activePath) return
    const up = ancestors(activePath)
    setExpanded((s) => (up.every((d) => s.has(d)) ? s : new Set([...s, ...up])))
    for (const d of up) if (!dirsRef.current.has(d)) load(d)
    setSelected(activePath)
  }, [activePath, load])

  const toggle = (path: string): void => {
    setExpanded((s) => {
      const next = new Set(s)
      if (next.has(path)) next.delete(path)
      else {
        next.add(path)
        if (dirsRef.current.get(path)?.kind !== 'loaded') load(path)
      }
      return next
    })
  }

  const activate = (row: TreeRow): void => {
    setSelected(row.entry.path)
    if (row.entry.kind === 'dir') toggle(row.entry.path)
    else openFile(row.entry.path)
  }

  const rows = flattenTree(dirs, expanded)
  const root = dirs.get('')

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const i = rows.findIndex((r) => r.entry.path === selected)
    const row = rows[i]
    const move = (j: number): void => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, j))]
      if (target) setSelected(target.entry.path)
    }
    if (e.key === 'ArrowDown') move(i + 1)
    else if (e.key === 'ArrowUp') move(i < 0 ? 0 : i - 1)
    else if (e.key === 'ArrowRight' && row?.entry.kind === 'dir' && !row.expanded) toggle(row.entry.path)
    else if (e.key === 'ArrowLeft' && row) {
      if (row.expanded) toggle(row.entry.path)
      else move(rows.findLastIndex((r, j) => j < i && r.depth < row.depth))
    } else if (e.key === 'Enter' && row) activate(row)
    else return
    e.preventDefault()
  }

  useEffect(() => {
    if (!visible || !selected) return
    treeRef.current
      ?.querySelector(`[data-path="${CSS.escape(selected)}"]`)
      ?.scrollIntoView({ block: 'nearest' })
  }, [selected, visible])

  return (
    <div className="explorer" data-testid="explorer">
      <div className="panel-header">
        <span className="panel-title" title={rootName}>
          {rootName || 'Explorer'}
        </span>
        <button className="icon-button" title="Refresh" data-testid="explorer-refresh" onClick={reset}>
          ⟳
        </button>
      </div>
      <div className="tree" role="tree" tabIndex={0} ref={treeRef} onKeyDown={onKeyDown} aria-label="Files">
        {root?.kind === 'loading' && <div className="tree-note">Loading…</div>}
        {root?.kind === 'error' && <div className="tree-note error">{root.message}</div>}
        {root?.kind === 'loaded' && root.entries.length === 0 && (
          <div className="tree-note">This folder is empty.</div>
        )}
        {rows.map((row) => (
          <TreeItem
            key={row.entry.path}
            row={row}
            selected={row.entry.path === selected}
            active={row.entry.path === activePath}
            onClick={() => activate(row)}
          />
        ))}
      </div>
    </div>
  )
}

function TreeItem({
  row,
  selected,
  active,
  onClick,
}: {
  row: TreeRow
  selected: boolean
  active: boolean
  onClick: () => void
}) {
  const { entry, depth, expanded, state } = row
  const isDir = entry.kind === 'dir'
  const classes = [
    'tree-item',
    selected && 'selected',
    active && 'active',
    entry.ignored && 'ignored',
    entry.kind === 'symlink' && 'symlink',
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
        title={entry.kind === 'symlink' ? `${entry.path} (link outside the workspace)` : entry.path}
      >
        <span className="twistie">{isDir ? (expanded ? '▾' : '▸') : ''}</span>
        <span className="tree-name">{entry.name}</span>
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
