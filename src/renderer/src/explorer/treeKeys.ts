import type { KeyboardEvent } from 'react'
import type { TreeRow } from './flattenTree'

/** What the tree's keys act on. */
export interface TreeKeyTarget {
  rows: readonly TreeRow[]
  selected: string | undefined
  select: (path: string) => void
  toggle: (dir: string) => void
  /** Enter: opens a file, or opens/closes a folder. */
  activate: (row: TreeRow) => void
  askDelete: (path: string) => void
  /** Opens the context menu under `path`'s row (or the tree's top, with no selection). */
  openMenuAt: (path: string | undefined) => void
  closeMenu: () => void
}

/**
 * The tree's own keys: arrows move and open/close folders, Enter activates, the context-menu key
 * and Shift+F10 open the menu, Escape closes it. F2, Delete and Shift+Delete are the explorer's
 * commands (explorerCommands), declared once and run before this handler.
 */
export function treeKeyDown(t: TreeKeyTarget): (e: KeyboardEvent<HTMLDivElement>) => void {
  return (e) => {
    // The workbench's key table ran a command for this key already (explorerCommands).
    if (e.defaultPrevented) return
    const { rows } = t
    const i = rows.findIndex((r) => r.entry.path === t.selected)
    const row = rows[i]
    const move = (j: number): void => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, j))]
      if (target) t.select(target.entry.path)
    }
    if (e.key === 'ArrowDown') move(i + 1)
    else if (e.key === 'ArrowUp') move(i < 0 ? 0 : i - 1)
    else if (e.key === 'ArrowRight' && row?.entry.kind === 'dir' && !row.expanded) t.toggle(row.entry.path)
    else if (e.key === 'ArrowLeft' && row) {
      if (row.expanded) t.toggle(row.entry.path)
      else move(rows.findLastIndex((r, j) => j < i && r.depth < row.depth))
    } else if (e.key === 'Enter' && row) t.activate(row)
    else if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) t.openMenuAt(row?.entry.path)
    else if (e.key === 'Escape') t.closeMenu()
    else return
    e.preventDefault()
  }
}
