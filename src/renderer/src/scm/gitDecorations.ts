import type { GitChangeKind, GitStatus } from '@shared/contract/git'

export type DecorationTone = 'modified' | 'added' | 'untracked' | 'deleted' | 'renamed' | 'conflict'

export interface GitDecoration {
  /** VS Code's letters: M, A, U (untracked), D, R, C, T, ! (conflict). */
  letter: string
  tone: DecorationTone
  /** For the tooltip: 'Modified', 'Untracked'… */
  label: string
}

const BY_KIND: Record<GitChangeKind, GitDecoration> = {
  M: { letter: 'M', tone: 'modified', label: 'Modified' },
  T: { letter: 'T', tone: 'modified', label: 'Type changed' },
  A: { letter: 'A', tone: 'added', label: 'Added' },
  '?': { letter: 'U', tone: 'untracked', label: 'Untracked' },
  D: { letter: 'D', tone: 'deleted', label: 'Deleted' },
  R: { letter: 'R', tone: 'renamed', label: 'Renamed' },
  C: { letter: 'C', tone: 'added', label: 'Copied' },
  U: { letter: '!', tone: 'conflict', label: 'Conflict' },
}

export function decorationOf(kind: GitChangeKind): GitDecoration {
  return BY_KIND[kind]
}

export interface Decorations {
  files: ReadonlyMap<string, GitDecoration>
  /** Folders holding a change, with the strongest tone below them (conflict first). */
  folders: ReadonlyMap<string, DecorationTone>
}

const EMPTY: Decorations = { files: new Map(), folders: new Map() }
const RANK: Record<DecorationTone, number> = {
  conflict: 5,
  modified: 4,
  deleted: 3,
  renamed: 2,
  added: 1,
  untracked: 0,
}

const cache = new WeakMap<GitStatus, Decorations>()

/**
 * What the explorer shows beside each name. A file's working-tree change wins over its staged one
 * (that is what the file on disk is now), a conflict over both. Computed once per status.
 */
export function decorationsFor(status: GitStatus | undefined): Decorations {
  if (!status || status.state !== 'repo') return EMPTY
  const hit = cache.get(status)
  if (hit) return hit
  const files = new Map<string, GitDecoration>()
  for (const c of status.staged.changes) files.set(c.path, decorationOf(c.kind))
  for (const c of status.unstaged.changes) files.set(c.path, decorationOf(c.kind))
  for (const c of status.conflicts.changes) files.set(c.path, decorationOf(c.kind))
  const folders = new Map<string, DecorationTone>()
  for (const [path, d] of files) {
    if (d.tone === 'deleted') continue // a folder of only deleted files may not exist any more
    let at = path.lastIndexOf('/')
    while (at > 0) {
      const dir = path.slice(0, at)
      const was = folders.get(dir)
      if (was !== undefined && RANK[was] >= RANK[d.tone]) break
      folders.set(dir, d.tone)
      at = dir.lastIndexOf('/')
    }
  }
  const out = { files, folders }
  cache.set(status, out)
  return out
}
