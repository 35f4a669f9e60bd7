/*
 * Lines at either end of a text, without splitting it whole: completion context sources run on
 * every request, with a prefix of up to 32k characters.
 */

/** The last `n` lines of `text` (the last one may be partial), as `text.split('\n').slice(-n).join('\n')`. */
export function lastLines(text: string, n: number): string {
  if (n <= 0) return ''
  let at = text.length
  for (let i = 0; i < n; i++) {
    if (at === 0) return text
    at = text.lastIndexOf('\n', at - 1)
    if (at < 0) return text
  }
  return text.slice(at + 1)
}

/** The first `n` lines of `text`, as `text.split('\n').slice(0, n).join('\n')`. */
export function firstLines(text: string, n: number): string {
  if (n <= 0) return ''
  let at = -1
  for (let i = 0; i < n; i++) {
    at = text.indexOf('\n', at + 1)
    if (at < 0) return text
  }
  return text.slice(0, at)
}
