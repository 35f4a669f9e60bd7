import type { PGlite } from '@electric-sql/pglite'
import { tokenWords } from '../../text/identifiers'
import type { SymbolHit } from './storeTypes'

/**
 * Declared names that start with `prefix` (any case), or one of whose words does
 * (`back` finds retryWithBackoff), for the chat's `@symbol` picker: each with the chunk that
 * declares it. Read-only, and through the full-text GIN index: a name's lexemes are in its
 * chunk's `tsv` (whole and by parts), so a lexeme prefix narrows the rows before the names are
 * compared. The lexemes are stemmed (retry → retri), so the prefix asked of the index is the
 * typed one's first half (at least 3 characters): stemming changes a word's end, not its start.
 */
export async function symbolsByPrefix(
  db: Pick<PGlite, 'query'>,
  prefix: string,
  limit: number,
): Promise<SymbolHit[]> {
  const typed = prefix.toLowerCase().replace(/[^a-z0-9_$]/g, '')
  const clean = typed.replace(/[_$]/g, '')
  if (clean.length < 2) return []
  const lexemePrefix = clean.slice(0, Math.max(3, Math.floor(clean.length / 2)))
  const r = await db.query<{ path: string; start_line: number; end_line: number; symbols: string }>(
    `SELECT path, start_line, end_line, symbols FROM chunks
     WHERE symbols <> '' AND tsv @@ to_tsquery('simple', $1) AND strpos(lower(symbols), $2) > 0
     LIMIT ${Math.trunc(limit) * 4}`,
    [`${lexemePrefix}:*`, clean.slice(0, 3)],
  )
  const hits: (SymbolHit & { rank: number })[] = []
  const seen = new Set<string>()
  for (const row of r.rows) {
    for (const name of row.symbols.split(' ')) {
      const lower = name.toLowerCase()
      const rank =
        lower === typed
          ? 0
          : lower.startsWith(typed)
            ? 1
            : tokenWords(name).some((w) => w.startsWith(clean))
              ? 2
              : -1
      const key = `${name}\u0000${row.path}`
      if (rank < 0 || seen.has(key)) continue
      seen.add(key)
      hits.push({ name, path: row.path, startLine: row.start_line, endLine: row.end_line, rank })
    }
  }
  hits.sort((a, b) => a.rank - b.rank || a.name.length - b.name.length || (a.name < b.name ? -1 : 1))
  return hits.slice(0, limit).map(({ rank: _rank, ...h }) => h)
}
