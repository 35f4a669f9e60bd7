/** One change of Monaco's diff (`ILineChange`): 1-based lines; an end of 0 means none on that side. */
export interface LineChange {
  originalStartLineNumber: number
  originalEndLineNumber: number
  modifiedStartLineNumber: number
  modifiedEndLineNumber: number
}

/** Lines with their own line ends, so a text is put back together byte for byte. */
export function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

function span(start: number, end: number): [number, number] {
  // An end of 0: nothing on this side; the change sits after line `start`.
  return end === 0 ? [start, start] : [start - 1, end]
}

/**
 * Lines moved into `target` with its line ends: an LF target (the index of a repository with
 * core.autocrlf or an eol attribute, while the working file has CRLF) gets LF lines, as `git add`
 * would store them. A target with CRLF, or with no line end at all (nothing to go by), takes the
 * lines as they are.
 */
function endingsFor(target: string, lines: string[]): string[] {
  if (!target.includes('\n') || target.includes('\r\n')) return lines
  return lines.map((l) => (l.endsWith('\r\n') ? `${l.slice(0, -2)}\n` : l))
}

/**
 * The left side with one change taken from the right: staging a hunk of the working tree into
 * the index text (left: index, right: file).
 */
export function applyChange(original: string, modified: string, c: LineChange): string {
  const o = linesOf(original)
  const m = linesOf(modified)
  const [oFrom, oTo] = span(c.originalStartLineNumber, c.originalEndLineNumber)
  const [mFrom, mTo] = span(c.modifiedStartLineNumber, c.modifiedEndLineNumber)
  return [...o.slice(0, oFrom), ...endingsFor(original, m.slice(mFrom, mTo)), ...o.slice(oTo)].join('')
}

/**
 * The right side with one change put back as the left had it: unstaging a hunk of the index
 * (left: HEAD, right: index).
 */
export function revertChange(original: string, modified: string, c: LineChange): string {
  const o = linesOf(original)
  const m = linesOf(modified)
  const [oFrom, oTo] = span(c.originalStartLineNumber, c.originalEndLineNumber)
  const [mFrom, mTo] = span(c.modifiedStartLineNumber, c.modifiedEndLineNumber)
  return [...m.slice(0, mFrom), ...endingsFor(modified, o.slice(oFrom, oTo)), ...m.slice(mTo)].join('')
}
