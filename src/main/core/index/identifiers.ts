/**
 * Identifier splitting: code names become searchable as words (`parseHttpHeader` → parse, http,
 * header; `MAX_RETRY_COUNT` → max, retry, count) while the original token is kept, so an exact
 * search for the name still matches best.
 */

const WORD = /[A-Za-z_$][A-Za-z0-9_$]*|[0-9]+(?:\.[0-9]+)?/g

/** camelCase, PascalCase, snake_case, kebab-ish `$` and digit boundaries → lower-case parts. */
export function splitIdentifier(token: string): string[] {
  const spaced = token
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .replace(/[_$]+/g, ' ')
  return spaced
    .toLowerCase()
    .split(' ')
    .filter((p) => p.length > 0)
}

/** Every identifier / number token in `text`, in order. */
export function identifierTokens(text: string): string[] {
  return text.match(WORD) ?? []
}

/**
 * The words full-text search indexes for a piece of code, each once, in order of first use: every
 * token lower-cased, followed by its parts when it splits. Long runs (base64, hashes) are dropped:
 * they are noise and bloat the tsvector. (Once each: the index ranks by IDF and the label of the
 * field, and Postgres' parser is the main cost of an insert.)
 */
export function searchWords(text: string): string {
  const out = new Set<string>()
  const seen = new Set<string>()
  for (const tok of identifierTokens(text)) {
    if (tok.length > 64 || seen.has(tok)) continue
    seen.add(tok)
    const parts = splitCached(tok)
    if (parts.length === 0) continue
    const lower = tok.toLowerCase()
    if (parts.length === 1 && parts[0] === lower) out.add(lower)
    else {
      // The joined form keeps the original token as one word (Postgres' parser would split on `_`).
      out.add(lower.replace(/[_$]+/g, ''))
      for (const p of parts) out.add(p)
    }
  }
  return [...out].join(' ')
}

// Tokens repeat across chunks and files (keywords, common names): split each once.
const splitMemo = new Map<string, string[]>()
function splitCached(tok: string): string[] {
  let parts = splitMemo.get(tok)
  if (!parts) {
    parts = splitIdentifier(tok)
    if (splitMemo.size > 200_000) splitMemo.clear()
    splitMemo.set(tok, parts)
  }
  return parts
}

/** A workspace path as words: `src/net/httpClient.ts` → "src net http client ts httpclient". */
export function pathWords(path: string): string {
  const segs = path.split('/')
  const file = segs[segs.length - 1] ?? ''
  const stem = file.replace(/\.[^.]+$/, '')
  return [...segs.slice(0, -1), stem].map((s) => searchWords(s)).join(' ')
}
