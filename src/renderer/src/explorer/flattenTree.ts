import type { TreeEntry } from '@shared/contract/workspace'

export type DirState =
  { kind: 'loading' } | { kind: 'loaded'; entries: TreeEntry[] } | { kind: 'error'; message: string }

export interface TreeRow {
  entry: TreeEntry
  depth: number
  expanded: boolean
  /** A folder being listed, or one whose listing failed (shown as a row under it). */
  state: DirState | undefined
}

/** The visible rows of a lazily loaded tree: children of expanded, already listed folders, depth first. */
export function flattenTree(
  dirs: ReadonlyMap<string, DirState>,
  expanded: ReadonlySet<string>,
  dir = '',
  depth = 0,
): TreeRow[] {
  const state = dirs.get(dir)
  if (state?.kind !== 'loaded') return []
  const rows: TreeRow[] = []
  for (const entry of state.entries) {
    const isOpen = entry.kind === 'dir' && expanded.has(entry.path)
    rows.push({
      entry,
      depth,
      expanded: isOpen,
      state: entry.kind === 'dir' ? dirs.get(entry.path) : undefined,
    })
    if (isOpen) rows.push(...flattenTree(dirs, expanded, entry.path, depth + 1))
  }
  return rows
}

/** The folders containing `path`, outermost first ('' excluded): `a/b/c.ts` → ['a', 'a/b']. */
export function ancestors(path: string): string[] {
  const parts = path.split('/').slice(0, -1)
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'))
}
