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
 * they are noise and bloat the tsvector. (Once each: the index ranks by IDF and the field a word
 * is in, not by how often it occurs.)
 */
export function searchWords(text: string): string {
  const out = new Set<string>()
  forEachSearchToken(text, (tok) => {
    for (const w of tokenWords(tok)) out.add(w)
  })
  return [...out].join(' ')
}

/** Longest token search indexes: longer runs (base64, hashes) are noise, not words. */
export const MAX_SEARCH_TOKEN = 64

/** Calls `fn` once for each distinct token of `text` that search indexes (searchWords). */
export function forEachSearchToken(text: string, fn: (tok: string) => void): void {
  const seen = new Set<string>()
  for (const tok of identifierTokens(text)) {
    if (tok.length > MAX_SEARCH_TOKEN || seen.has(tok)) continue
    seen.add(tok)
    fn(tok)
  }
}

// Tokens repeat across chunks and files (keywords, common names): split each once.
const wordsMemo = new Map<string, readonly string[]>()
/**
 * Entries a token memo holds before it starts over. Tokens are Zipf-distributed: the frequent
 * ones come back within a few files, so a smaller table keeps nearly every hit, while the long
 * tail (unique names, numbers, hashes) is what grows it. At 200,000 entries the memos and tables
 * of the prepare worker held ≈150 MB while a 10k-file tree was indexed, most of its peak.
 */
export const TOKEN_MEMO_LIMIT = 30_000

/**
 * The words one token gives search: the token lower-cased, and when it splits, the joined form
 * without `_`/`$` (what a query for the name looks up: processQuery joins the parts) followed by
 * its parts.
 */
export function tokenWords(tok: string): readonly string[] {
  let words = wordsMemo.get(tok)
  if (!words) {
    const parts = splitIdentifier(tok)
    const lower = tok.toLowerCase()
    if (parts.length === 0) words = []
    else if (parts.length === 1 && parts[0] === lower) words = [lower]
    else words = [lower.replace(/[_$]+/g, ''), ...parts]
    if (wordsMemo.size > TOKEN_MEMO_LIMIT) wordsMemo.clear()
    wordsMemo.set(tok, words)
  }
  return words
}

/** A workspace path as words: `src/net/httpClient.ts` → "src net http client ts httpclient". */
export function pathWords(path: string): string {
  const segs = path.split('/')
  const file = segs[segs.length - 1] ?? ''
  const stem = file.replace(/\.[^.]+$/, '')
  return [...segs.slice(0, -1), stem].map((s) => searchWords(s)).join(' ')
}
