/** Splits `line` into plain and matched parts for the query words (case-insensitive, longest first). */
export function highlightParts(line: string, words: string[]): { text: string; match: boolean }[] {
  const ws = [...new Set(words.map((w) => w.toLowerCase()).filter((w) => w.length >= 2))].sort(
    (a, b) => b.length - a.length,
  )
  if (ws.length === 0) return [{ text: line, match: false }]
  const re = new RegExp(ws.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi')
  const out: { text: string; match: boolean }[] = []
  let last = 0
  for (const m of line.matchAll(re)) {
    const i = m.index
    if (i > last) out.push({ text: line.slice(last, i), match: false })
    out.push({ text: m[0], match: true })
    last = i + m[0].length
  }
  if (last < line.length) out.push({ text: line.slice(last), match: false })
  return out
}

/** Query words as a user sees them: identifiers split too, so `parseHttp` highlights "parse" and "http". */
export function queryWords(query: string): string[] {
  const out: string[] = []
  for (const tok of query.match(/[A-Za-z_$][\w$]*|\d+/g) ?? []) {
    out.push(tok)
    for (const p of tok
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/[_$]+/g, ' ')
      .split(' '))
      if (p) out.push(p)
  }
  return out
}
