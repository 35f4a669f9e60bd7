/** One replacement in offsets of the old text. */
export interface TextEdit {
  start: number
  end: number
  text: string
}

/**
 * The smallest single edit turning `before` into `after` (common prefix and suffix kept).
 * Reloading a file this way leaves the cursor, selections and scroll position of untouched
 * regions where they were, which a whole-text replace would not.
 */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined
  const max = Math.min(before.length, after.length)
  let p = 0
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++
  let s = 0
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s))
    s++
  // Never split a surrogate pair.
  if (p > 0 && isHighSurrogate(before.charCodeAt(p - 1))) p--
  if (s > 0 && isLowSurrogate(before.charCodeAt(before.length - s))) s--
  return { start: p, end: before.length - s, text: after.slice(p, after.length - s) }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff
}
