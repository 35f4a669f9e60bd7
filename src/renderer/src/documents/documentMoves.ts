import { pathUnder } from '@shared/paths'
import type { DocView } from './docView'
import type { TextBuffer } from './textBuffer'

/** One open document as the EditorStore holds it. */
export interface Doc {
  view: DocView
  buffer: TextBuffer | undefined
  /** The disk version the buffer is based on (sent as baseVersion on save). */
  version: string | undefined
  /** Buffer version id at the last load/save: dirty = it differs from the current one. */
  savedVersionId: number
  /** Bumped per disk read, so a slow read never overwrites a newer one. */
  readSeq: number
  /** A change event arrived while the first read was in flight: read again after it. */
  staleWhileLoading: boolean
  unsubscribe: (() => void) | undefined
}

/** What moves and deletes need of the store's tabs. */
export interface DocTable {
  /** Open paths in tab order (a copy). */
  paths(): string[]
  doc(path: string): Doc | undefined
  /** Closes a tab without asking. */
  close(path: string): void
  /** Files `doc` under `to` instead of `from`: the same tab place, active if it was. */
  rename(doc: Doc, from: string, to: string): void
  patch(doc: Doc, change: Partial<DocView>): void
  /** Reads the file into the document again (its path has changed). */
  load(doc: Doc): void
  /** Takes `buffer` as the document's buffer; `dirty` keeps it unsaved. */
  adopt(doc: Doc, buffer: TextBuffer, dirty: boolean): void
  publish(): void
}

export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1) || path

/*
 * How open documents follow renames, moves and deletes made through Hearth (`workspace.moved`,
 * `workspace.deleted`), apart from the store's load/save life cycle.
 */

/**
 * `from` (a file or a folder) is now `to`: open documents under it take their new path and keep
 * their text, unsaved edits, cursor and version (a rename keeps the bytes and the mtime, so a
 * later save is still checked against the right version).
 */
export function moveDocs(t: DocTable, from: string, to: string): void {
  let changed = false
  for (const path of t.paths()) {
    const rest = pathUnder(path, from)
    if (rest === null) continue
    const doc = t.doc(path) as Doc
    const next = to + rest
    const there = t.doc(next)
    if (there) {
      // A tab was already open on the new name (its file had been deleted). A clean tab gives
      // way; a tab with unsaved edits is never closed without asking.
      if (there.view.dirty) {
        if (!doc.view.dirty) t.close(path)
        else {
          // Both hold edits: keep both. The moved one's file is gone from its old name, and the
          // one on the new name now has other bytes on disk; each bar says so.
          t.patch(doc, { banner: { kind: 'deletedOnDisk' } })
          t.patch(there, { banner: { kind: 'changedOnDisk' } })
          changed = true
        }
        continue
      }
      t.close(next)
    }
    rekey(t, doc, path, next)
    changed = true
  }
  if (changed) t.publish()
}

/**
 * `path` (a file or a folder) was deleted through Hearth: its clean documents close, as in VS
 * Code; one with unsaved edits stays open with the "deleted on disk" bar, so nothing is lost.
 */
export function deleteDocs(t: DocTable, path: string): void {
  for (const p of t.paths()) {
    if (pathUnder(p, path) === null) continue
    const doc = t.doc(p) as Doc
    if (doc.view.dirty) {
      t.patch(doc, { banner: { kind: 'deletedOnDisk' } })
      t.publish()
    } else t.close(p)
  }
}

function rekey(t: DocTable, doc: Doc, from: string, to: string): void {
  t.rename(doc, from, to)
  const name = baseName(to)
  if (doc.view.status !== 'ready' || !doc.buffer) {
    // Not loaded (or refused): read it again under its new name.
    t.patch(doc, { path: to, name })
    t.load(doc)
    return
  }
  const wasDirty = doc.view.dirty
  doc.unsubscribe?.()
  t.adopt(doc, doc.buffer.moveTo(to), wasDirty)
  t.patch(doc, { path: to, name, compare: undefined })
}
