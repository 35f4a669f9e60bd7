import type { DeleteResult } from '@shared/contract/workspace'
import { pathUnder } from '@shared/paths'
import type { EventBus } from '../base/eventBus'
import type { IgnoreRules } from '../files/ignoreRules'
import type { PathGuard } from '../files/pathGuard'
import { filesBelow, type DirectChanges } from './directChanges'
import { createEntry, deleteEntry, renameEntry, type EntryKind } from './entryOps'
import type { TrashPort } from './trash'

/** What the explorer's operations need of the open folder (the workspace service's session). */
export interface EntrySession {
  guard: PathGuard
  rules: IgnoreRules
  /** rel → the version the editor last saw ('' = deleted), see WorkspaceService. */
  known: Map<string, string>
  changes: DirectChanges | null
}

export interface EntryHost {
  events: EventBus
  trash: TrashPort
  /** False once another folder opened: its events must not reach the new one's views. */
  isCurrent(s: EntrySession): boolean
}

/*
 * The explorer's create, rename/move and delete on the open folder, and what follows each: open
 * editors (`workspace.moved` / `workspace.deleted`), the explorer (`workspace.treeChanged`) and
 * the index (the change source) hear of it as soon as it is done, not after the watcher's delay.
 */

export async function createIn(
  host: EntryHost,
  s: EntrySession,
  path: string,
  kind: 'file' | 'dir',
): Promise<{ path: string; kind: 'file' | 'dir' }> {
  const { rel } = await createEntry(s.guard, path, kind)
  announce(host, s, [rel], kind === 'file' ? [{ path: rel, kind: 'created' }] : [])
  return { path: rel, kind }
}

export async function renameIn(
  host: EntryHost,
  s: EntrySession,
  from: string,
  to: string,
): Promise<{ from: string; to: string; kind: EntryKind }> {
  const r = await renameEntry(s.guard, from, to)
  if (r.from === r.to) return r
  // The editor's known versions move along, so the watcher's later unlink/add stays silent.
  for (const [k, v] of [...s.known]) {
    const rest = pathUnder(k, r.from)
    if (rest === null) continue
    s.known.delete(k)
    s.known.set(r.to + rest, v)
  }
  if (host.isCurrent(s)) host.events.emit('workspace.moved', r)
  const created =
    r.kind === 'dir' ? await filesBelow(s.guard, s.rules, r.to) : r.kind === 'file' ? [r.to] : []
  announce(
    host,
    s,
    [r.from, r.to],
    [{ path: r.from, kind: 'deleted' }, ...created.map((path) => ({ path, kind: 'created' as const }))],
  )
  return r
}

export async function removeIn(
  host: EntryHost,
  s: EntrySession,
  path: string,
  permanent: boolean | undefined,
): Promise<DeleteResult> {
  const r = await deleteEntry(s.guard, path, { permanent, trash: host.trash })
  if (r.outcome === 'noTrash') return r
  for (const k of s.known.keys()) if (pathUnder(k, r.path) !== null) s.known.set(k, '')
  if (host.isCurrent(s)) host.events.emit('workspace.deleted', { path: r.path, kind: r.kind })
  announce(host, s, [r.path], [{ path: r.path, kind: 'deleted' }])
  return r
}

/** Tells the explorer and the index about our own change now. */
function announce(
  host: EntryHost,
  s: EntrySession,
  paths: string[],
  batch: { path: string; kind: 'created' | 'deleted' }[],
): void {
  if (!host.isCurrent(s)) return
  const dirs = [...new Set(paths.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')))]
  host.events.emit('workspace.treeChanged', { dirs })
  s.changes?.push(batch)
}
