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
 * The word stream full-text search indexes for a piece of code: each token lower-cased, followed
 * by its parts when it splits. Long runs (base64, hashes) are dropped: they are noise and bloat
 * the tsvector.
 */
export function searchWords(text: string): string {
  const out: string[] = []
  for (const tok of identifierTokens(text)) {
    if (tok.length > 64) continue
    const lower = tok.toLowerCase()
    const parts = splitIdentifier(tok)
    if (parts.length === 0) continue
    if (parts.length === 1 && parts[0] === lower) out.push(lower)
    // The joined form keeps the original token as one word (Postgres' parser would split on `_`).
    else out.push(lower.replace(/[_$]+/g, ''), ...parts)
  }
  return out.join(' ')
}

/** A workspace path as words: `src/net/httpClient.ts` → "src net http client ts httpclient". */
export function pathWords(path: string): string {
  const segs = path.split('/')
  const file = segs[segs.length - 1] ?? ''
  const stem = file.replace(/\.[^.]+$/, '')
  return [...segs.slice(0, -1), stem].map((s) => searchWords(s)).join(' ')
}
