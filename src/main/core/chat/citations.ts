import type { ChatSource } from './chatSources'

export interface Citation {
  n: number
  path: string
  startLine: number
  endLine: number
}

/**
 * The sources an answer cites, in the order it first cites them: markers like [2], [1, 3] or
 * [1][4] that name a source that was sent. A number that names nothing sent is not a citation
 * (a model may write [0] or an array index), so every citation points at code the model read.
 * Markers inside fenced code are ignored.
 */
export function citationsIn(answer: string, sources: readonly ChatSource[]): Citation[] {
  const byN = new Map(sources.map((s) => [s.n, s]))
  const seen = new Set<number>()
  const out: Citation[] = []
  const prose = answer.replace(/(```|~~~)[\s\S]*?(\1|$)/g, ' ')
  for (const m of prose.matchAll(/\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g)) {
    for (const part of (m[1] ?? '').split(',')) {
      const n = Number(part.trim())
      const s = byN.get(n)
      if (!s || seen.has(n)) continue
      seen.add(n)
      out.push({ n, path: s.path, startLine: s.startLine, endLine: s.endLine })
    }
  }
  return out
}
