import type { ErrorCode } from '@shared/errors'

/** A bar above the editor asking the user to decide about a difference with the disk. */
export type Banner =
  /** A save was refused: the file changed on disk since it was opened. */
  | { kind: 'conflict' }
  /** The file changed on disk while the buffer had unsaved edits. */
  | { kind: 'changedOnDisk' }
  | { kind: 'deletedOnDisk' }
  | { kind: 'saveFailed'; message: string }

/** An immutable snapshot of one open document, for rendering. */
export interface DocView {
  path: string
  name: string
  status: 'loading' | 'ready' | 'refused'
  /** Why it could not be opened (binary, too_large, forbidden, not_found…). */
  error?: { code: ErrorCode; message: string }
  encoding?: 'utf8' | 'utf8bom'
  eol?: '\n' | '\r\n'
  language?: string
  readOnly: boolean
  readOnlyReason?: string
  dirty: boolean
  saving: boolean
  banner?: Banner
  /** Showing a diff of the disk version (left) against the buffer (right). */
  compare?: { diskText: string }
  /** Where to move the cursor; `seq` changes on every request so the same spot can be revealed again. */
  reveal?: { line: number; column: number; seq: number }
}

export interface EditorSnapshot {
  docs: readonly DocView[]
  active: string | undefined
}
