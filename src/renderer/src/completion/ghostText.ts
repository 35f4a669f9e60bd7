/**
 * Pure decisions of the inline completion provider (no Monaco), unit-tested in ghostText.test.ts.
 */

/** Where a request was made: the document version, cursor offset and document length then. */
export interface RequestSpot {
  uri: string
  versionId: number
  offset: number
  docLength: number
}

/** Where the editor is now. */
export interface EditorSpot {
  uri: string
  versionId: number
  offset: number
  docLength: number
  /** Text between the request's offset and the current offset (when the cursor moved forward). */
  typedSinceRequest: string | undefined
}

/**
 * Whether a running request still describes the cursor: 'same' (re-asked for the same spot),
 * 'continues' (the user typed exactly the start of what the request shows or will show: keep it,
 * the core joins the new position to it), or 'stale' (cancel it now).
 */
export function relate(req: RequestSpot, shown: string, now: EditorSpot): 'same' | 'continues' | 'stale' {
  if (now.uri !== req.uri) return 'stale'
  if (now.versionId === req.versionId) return now.offset === req.offset ? 'same' : 'stale'
  const d = now.offset - req.offset
  // Only an insertion at the cursor: the document grew by exactly what the cursor moved.
  if (d <= 0 || now.docLength - req.docLength !== d) return 'stale'
  const typed = now.typedSinceRequest
  if (typed === undefined || typed.length !== d) return 'stale'
  return shown.startsWith(typed) || (shown.length < typed.length && typed.startsWith(shown))
    ? 'continues'
    : 'stale'
}

/** The complete lines of a streaming partial (up to its last newline, trailing space trimmed); '' before the first. */
export function completeLines(partial: string): string {
  const nl = partial.lastIndexOf('\n')
  return nl < 0 ? '' : partial.slice(0, nl).trimEnd()
}

/**
 * The range an inline item replaces: nothing (insert at the cursor), except that a multi-line
 * text must end at the end of the line (Monaco's rule) — only allowed when what is right of the
 * cursor is whitespace, which the range then swallows.
 */
export function insertRange(
  line: number,
  column: number,
  lineMaxColumn: number,
  restOfLine: string,
  text: string,
): { startLineNumber: number; startColumn: number; endLineNumber: number; endColumn: number } | undefined {
  if (text.includes('\n')) {
    if (restOfLine.trim() !== '') return undefined
    return { startLineNumber: line, startColumn: column, endLineNumber: line, endColumn: lineMaxColumn }
  }
  return { startLineNumber: line, startColumn: column, endLineNumber: line, endColumn: column }
}

/** A short random id: one per editor, so the core keeps one request in flight per editor. */
export function newEditorId(): string {
  const a = new Uint32Array(2)
  crypto.getRandomValues(a)
  return `ed-${(a[0] ?? 0).toString(36)}${(a[1] ?? 0).toString(36)}`
}
