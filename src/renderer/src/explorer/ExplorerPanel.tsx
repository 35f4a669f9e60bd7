import { Fragment, useCallback, useEffect, useRef, useState } from 'react'
import type { MouseEvent } from 'react'
import { pathUnder } from '@shared/paths'
import type { PanelProps } from '../workbench/contributionTypes'
import { DeleteDialog } from './DeleteDialog'
import { parentOf } from './entryNames'
import { explorerActions } from './explorerActions'
import { ExplorerMenu } from './ExplorerMenu'
import { menuItems } from './explorerMenuItems'
import { ancestors, flattenTree, type DirState, type TreeRow } from './flattenTree'
import { NameInput } from './NameInput'
import { TreeItem } from './TreeItem'
import { useExplorerEdits } from './useExplorerEdits'
import { treeKeyDown } from './treeKeys'
import { useTreeDrag } from './useTreeDrag'
import './explorer.css'

/**
 * The file tree. Lazy: a folder is listed (`workspace.list`) when first expanded and listed
 * again when the core reports it changed (`workspace.treeChanged`). Its file operations (context
 * menu, F2, Delete, drag and drop) live in useExplorerEdits.
 */
export function ExplorerPanel({ api, openFile, visible, activePath }: PanelProps) {
  const [dirs, setDirs] = useState<Map<string, DirState>>(() => new Map())
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set())
  const [selected, setSelected] = useState<string | undefined>()
  const [rootName, setRootName] = useState('')
  const [menu, setMenu] = useState<{ x: number; y: number; path: string | undefined } | undefined>()
  const dirsRef = useRef(dirs)
  dirsRef.current = dirs
  const rootRef = useRef('')
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
      (info) => {
        setRootName(info?.name ?? '')
        rootRef.current = info?.root ?? ''
      },
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

  const expand = useCallback(
    (dir: string) => {
      const up = [...ancestors(dir), dir].filter((d) => d !== '')
      setExpanded((s) => (up.every((d) => s.has(d)) ? s : new Set([...s, ...up])))
      for (const d of up) if (dirsRef.current.get(d)?.kind !== 'loaded') load(d)
    },
    [load],
  )

  const reveal = useCallback(
    (path: string) => {
      expand(parentOf(path))
      setSelected(path)
    },
    [expand],
  )

  // Reveal the active file: expand its folders (listing them if needed) and select it.
  useEffect(() => {
    if (activePath) reveal(activePath)
  }, [activePath, reveal])

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

  const rows = flattenTree(dirs, expanded)
  const rowsRef = useRef(rows)
  rowsRef.current = rows
  const root = dirs.get('')
  const focusTree = useCallback(() => treeRef.current?.focus(), [])

  const entryOf = (path: string) => {
    const d = dirsRef.current.get(parentOf(path))
    return d?.kind === 'loaded' ? d.entries.find((e) => e.path === path) : undefined
  }

  const expandedRef = useRef(expanded)
  expandedRef.current = expanded
  const selectedRef = useRef(selected)
  selectedRef.current = selected

  const edits = useExplorerEdits({
    api,
    root: () => rootRef.current,
    siblings: (dir) => {
      const d = dirsRef.current.get(dir)
      return d?.kind === 'loaded' ? d.entries.map((e) => e.name) : undefined
    },
    kindOf: (path) => entryOf(path)?.kind,
    expand,
    select: setSelected,
    focusTree,
    openFile: (path) => openFile(path),
    moved: (from, to) => {
      // A renamed folder stays as open as it was; its old listings go (their paths are stale).
      setExpanded(
        (s) => new Set([...s].map((p) => (pathUnder(p, from) === null ? p : to + pathUnder(p, from)))),
      )
      setDirs((m) => new Map([...m].filter(([p]) => pathUnder(p, from) === null)))
      for (const p of expandedRef.current) {
        const rest = pathUnder(p, from)
        if (rest !== null) load(to + rest)
      }
    },
    nextAfter: (path) => {
      const list = rowsRef.current.filter((r) => pathUnder(r.entry.path, path) === null)
      const i = rowsRef.current.findIndex((r) => r.entry.path === path)
      const after = rowsRef.current.slice(i + 1).find((r) => pathUnder(r.entry.path, path) === null)
      return after?.entry.path ?? list.filter((r) => rowsRef.current.indexOf(r) < i).at(-1)?.entry.path
    },
  })

  /** The folder a new entry goes in: the selected folder, or the selected file's folder. */
  const folderFor = (path: string | undefined): string => {
    if (path === undefined) return ''
    return entryOf(path)?.kind === 'dir' ? path : parentOf(path)
  }

  const folderForRef = useRef(folderFor)
  folderForRef.current = folderFor
  const { startNew, startRename, askDelete, copyPath } = edits
  useEffect(() => {
    explorerActions.set({
      newEntry: (kind, dir) => startNew(kind, dir ?? folderForRef.current(selectedRef.current)),
      rename: (path) => {
        const p = path ?? selectedRef.current
        if (p) startRename(p)
      },
      remove: (path, permanent) => {
        const p = path ?? selectedRef.current
        if (p) askDelete(p, permanent)
      },
      copyPath: (relative, path) => {
        const p = path ?? selectedRef.current
        if (p !== undefined) void copyPath(p, relative)
      },
      reveal: (path) => {
        reveal(path)
        focusTree()
      },
      selection: () => selectedRef.current,
    })
    return () => explorerActions.set(undefined)
  }, [startNew, startRename, askDelete, copyPath, reveal, focusTree])

  const activate = (row: TreeRow): void => {
    setSelected(row.entry.path)
    if (row.entry.kind === 'dir') toggle(row.entry.path)
    else openFile(row.entry.path)
  }

  const openMenu = (e: MouseEvent, path: string | undefined): void => {
    e.preventDefault()
    e.stopPropagation()
    if (path !== undefined) setSelected(path)
    setMenu({ x: e.clientX, y: e.clientY, path })
  }

  const onKeyDown = treeKeyDown({
    rows,
    selected,
    select: setSelected,
    toggle,
    activate,
    askDelete,
    openMenuAt: (path) => {
      const tree = treeRef.current
      if (!tree) return
      const el = path !== undefined && tree.querySelector(`[data-path="${CSS.escape(path)}"]`)
      const r = (el || tree).getBoundingClientRect()
      setMenu({ x: r.left + 24, y: r.bottom, path })
    },
    closeMenu: () => setMenu(undefined),
  })

  useEffect(() => {
    if (!visible || !selected) return
    treeRef.current
      ?.querySelector(`[data-path="${CSS.escape(selected)}"]`)
      ?.scrollIntoView({ block: 'nearest' })
  }, [selected, visible])

  const drag = useTreeDrag({
    isExpanded: (dir) => expandedRef.current.has(dir),
    expand,
    move: (from, dir) => void edits.move(from, dir),
  })

  const edit = edits.edit
  const nameInput = (depth: number, label: string) =>
    edit && (
      <NameInput
        value={edit.value}
        error={edit.error}
        busy={edit.busy}
        depth={depth}
        label={label}
        onChange={edits.changeValue}
        onCommit={(onBlur) => void edits.commitEdit(onBlur)}
        onCancel={edits.cancelEdit}
      />
    )
  const newLabel = edit?.mode === 'new' ? (edit.kind === 'dir' ? 'New folder name' : 'New file name') : ''

  return (
    <div className="explorer" data-testid="explorer">
      <div className="panel-header">
        <span className="panel-title" title={rootName}>
          {rootName || 'Explorer'}
        </span>
        <button
          className="icon-button"
          title="New File…"
          data-testid="explorer-new-file"
          onClick={() => startNew('file', folderFor(selected))}
        >
          +
        </button>
        <button
          className="icon-button"
          title="New Folder…"
          data-testid="explorer-new-folder"
          onClick={() => startNew('dir', folderFor(selected))}
        >
          ⊞
        </button>
        <button className="icon-button" title="Refresh" data-testid="explorer-refresh" onClick={reset}>
          ⟳
        </button>
      </div>
      <div
        className={drag.dropDir === '' ? 'tree drop-target' : 'tree'}
        role="tree"
        tabIndex={0}
        ref={treeRef}
        onKeyDown={onKeyDown}
        aria-label="Files"
        data-testid="explorer-tree"
        onContextMenu={(e) => openMenu(e, undefined)}
        onDragOver={(e) => drag.over(e, '')}
        onDragLeave={(e) => {
          if (!treeRef.current?.contains(e.relatedTarget as Node | null)) drag.leave()
        }}
        onDrop={(e) => drag.drop(e, '')}
      >
        {root?.kind === 'loading' && <div className="tree-note">Loading…</div>}
        {root?.kind === 'error' && <div className="tree-note error">{root.message}</div>}
        {root?.kind === 'loaded' && root.entries.length === 0 && !edit && (
          <div className="tree-note">This folder is empty.</div>
        )}
        {edit?.mode === 'new' && edit.dir === '' && nameInput(0, newLabel)}
        {rows.map((row) => {
          const path = row.entry.path
          const isDir = row.entry.kind === 'dir'
          const renaming = edit?.mode === 'rename' && edit.path === path
          return (
            <Fragment key={path}>
              {renaming ? (
                nameInput(row.depth, `Rename ${row.entry.name}`)
              ) : (
                <TreeItem
                  row={row}
                  selected={path === selected}
                  active={path === activePath}
                  dropTarget={isDir && drag.dropDir === path}
                  onClick={() => activate(row)}
                  onContextMenu={(e) => openMenu(e, path)}
                  onDragStart={(e) => drag.start(e, path)}
                  onDragEnd={drag.end}
                  onDragOver={(e) => drag.over(e, isDir ? path : parentOf(path))}
                  onDrop={(e) => drag.drop(e, isDir ? path : parentOf(path))}
                />
              )}
              {edit?.mode === 'new' &&
                isDir &&
                row.expanded &&
                edit.dir === path &&
                nameInput(row.depth + 1, newLabel)}
            </Fragment>
          )
        })}
      </div>
      {edits.notice && (
        <div
          className={`explorer-notice ${edits.notice.kind}`}
          role={edits.notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="explorer-notice"
          data-kind={edits.notice.kind}
        >
          <span className="explorer-notice-text">{edits.notice.text}</span>
          {edits.notice.action && (
            <button data-testid="explorer-notice-action" onClick={edits.notice.action.run}>
              {edits.notice.action.label}
            </button>
          )}
          <button className="icon-button" title="Dismiss" onClick={() => edits.setNotice(undefined)}>
            ×
          </button>
        </div>
      )}
      {menu && (
        <ExplorerMenu
          x={menu.x}
          y={menu.y}
          items={menuItems(menu.path, folderFor(menu.path), {
            newEntry: startNew,
            rename: startRename,
            remove: askDelete,
            copyPath: (p, relative) => void copyPath(p, relative),
            refresh: reset,
          })}
          onClose={() => {
            setMenu(undefined)
          }}
        />
      )}
      {edits.confirm && (
        <DeleteDialog
          confirm={edits.confirm}
          onConfirm={() => void edits.confirmDelete()}
          onCancel={edits.cancelDelete}
        />
      )}
    </div>
  )
}
