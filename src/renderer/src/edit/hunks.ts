/** One changed region between the original and the rewrite (Monaco's ILineChange, 1-based lines). */
export interface LineChange {
  originalStartLineNumber: number
  /** 0: nothing removed (lines inserted after originalStartLineNumber). */
  originalEndLineNumber: number
  modifiedStartLineNumber: number
  /** 0: nothing inserted (lines removed). */
  modifiedEndLineNumber: number
}

/**
 * The text with only the accepted hunks of the rewrite taken: every other line stays as it was.
 * Texts are LF-joined lines without a final newline, as the editor's range gives them.
 */
export function applyHunks(
  original: string,
  modified: string,
  changes: readonly LineChange[],
  accepted: ReadonlySet<number>,
): string {
  const o = original.split('\n')
  const m = modified.split('\n')
  const out: string[] = []
  let next = 0 // index in `o` of the first line not yet copied
  changes.forEach((c, i) => {
    const inserted = c.originalEndLineNumber === 0
    // Lines of the original before this change: up to and including the line an insertion follows.
    const upTo = inserted ? c.originalStartLineNumber : c.originalStartLineNumber - 1
    while (next < upTo) out.push(o[next++] ?? '')
    const mine =
      c.modifiedEndLineNumber === 0 ? [] : m.slice(c.modifiedStartLineNumber - 1, c.modifiedEndLineNumber)
    const theirs = inserted ? [] : o.slice(c.originalStartLineNumber - 1, c.originalEndLineNumber)
    out.push(...(accepted.has(i) ? mine : theirs))
    if (!inserted) next = c.originalEndLineNumber
  })
  while (next < o.length) out.push(o[next++] ?? '')
  return out.join('\n')
}
