import { identifierTokens, splitIdentifier } from '../text/identifiers'
import type { QueryTerm } from './store/protocol'
import { expansionsOf, STOP_WORDS } from '../text/vocabulary'

export interface ProcessedQuery {
  raw: string
  /** Weighted terms for full-text search: typed words 1, identifier parts 0.7, expansions 0.5. */
  terms: QueryTerm[]
  /** Lower-case content words (typed words and their parts), for snippets and highlighting. */
  words: string[]
}

export function processQuery(raw: string): ProcessedQuery {
  const weights = new Map<string, number>()
  const words: string[] = []
  const put = (w: string, weight: number): void => {
    if (w.length === 0 || STOP_WORDS.has(w)) return
    weights.set(w, Math.max(weights.get(w) ?? 0, weight))
  }
  for (const tok of identifierTokens(raw)) {
    const parts = splitIdentifier(tok)
    const joined = parts.join('')
    if (parts.length > 1) {
      put(joined, 1)
      for (const p of parts) put(p, 0.7)
    } else if (parts[0]) put(parts[0], 1)
    for (const p of parts) if (!STOP_WORDS.has(p)) words.push(p)
  }
  for (const [w, weight] of [...weights]) for (const e of expansionsOf(w)) put(e, weight * 0.5)
  return {
    raw,
    terms: [...weights].map(([text, weight]) => ({ text, weight })),
    words: [...new Set(words)],
  }
}

/**
 * A path glob as an anchored regular expression (Postgres and JS dialects agree on this subset).
 * `*` stays within a folder, `**` crosses folders, `{a,b}` alternates. A glob without a `/`
 * matches the file name at any depth (`*.ts`); a plain folder name matches everything below it.
 */
export function globToRegExp(glob: string): string {
  const g = glob.trim().replace(/^\.\//, '').replace(/\\/g, '/')
  const hasMagic = /[*?{[]/.test(g)
  if (!hasMagic) {
    // A plain name or path: that file or folder, at any depth.
    return `^(?:.*/)?${escape(g.replace(/\/+$/, ''))}(?:/.*)?$`
  }
  let re = ''
  for (let i = 0; i < g.length; i++) {
    const c = g[i] ?? ''
    if (c === '*') {
      if (g[i + 1] === '*') {
        i++
        if (g[i + 1] === '/') {
          i++
          re += '(?:.*/)?'
        } else re += '.*'
      } else re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '{') {
      const close = g.indexOf('}', i)
      if (close < 0) re += '\\{'
      else {
        re += `(?:${g
          .slice(i + 1, close)
          .split(',')
          .map(escape)
          .join('|')})`
        i = close
      }
    } else if (c === '[') {
      const close = g.indexOf(']', i)
      if (close < 0) re += '\\['
      else {
        re += `[${g
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`
        i = close
      }
    } else re += escape(c)
  }
  return g.includes('/') ? `^${re}$` : `^(?:.*/)?${re}$`
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
