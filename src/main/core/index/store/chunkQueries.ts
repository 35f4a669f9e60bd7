import type { PGlite } from '@electric-sql/pglite'
import { BINARY_ARRAYS } from './binaryArrays'
import type { ChunkText, SearchFilter, StoreHit, SymbolSnippet } from './storeTypes'

/** A result row as the queries below select it. */
export type Row = Record<string, unknown>

type Queryable = Pick<PGlite, 'query'>

/**
 * For filtered searches: the chunks of the nearest hashes (a text may be in
 * several chunks, a hash may belong to no chunk any more), filtered, nearest first, scored
 * 1 − cosine distance. Unfiltered searches map only the hashes they show (chunkTexts).
 */
export async function hitsByHash(
  db: Queryable,
  hashes: string[],
  distances: number[],
  limit: number,
  filter?: SearchFilter,
): Promise<StoreHit[]> {
  if (hashes.length === 0) return []
  const { clause, params } = filterSql(filter, 3)
  // One index lookup per hash (LATERAL): as a plain join, Postgres without statistics on
  // `chunks` (single-user: no autovacuum, so never analysed) chose a hash join over a full scan
  // of the table, 80–190 ms at 90k chunks instead of ≈1.
  const r = await db.query<Row>(
    `SELECT m.id::int AS id, m.path, m.start_line, m.end_line, m.language, nn.hash, 1 - nn.d AS score
     FROM unnest($1::text[], $2::float8[]) AS nn(hash, d)
     CROSS JOIN LATERAL (SELECT c.id, c.path, c.start_line, c.end_line, c.language FROM chunks c
                         WHERE c.hash = nn.hash ${clause} LIMIT ${Math.trunc(limit)}) m
     ORDER BY nn.d, m.id LIMIT ${Math.trunc(limit)}`,
    [hashes, distances, ...params],
  )
  return r.rows.map(toHit)
}

/**
 * The chunks search shows: by id (ranked by full text), and by text hash (found only by the
 * vector side; a text may be in several chunks). One request for both, after fusion: mapping
 * every nearest hash to its chunks before fusion (hitsByHash) was 4.9 ms p50 / 9.7 ms p95 of a
 * hybrid search at 89k chunks, on the same worker as the full-text query it waited behind.
 */
export async function chunkTexts(db: Queryable, ids: number[], hashes: string[] = []): Promise<ChunkText[]> {
  if (ids.length === 0 && hashes.length === 0) return []
  const cols = 'c.id::int AS id, c.path, c.start_line, c.end_line, c.language, c.hash, c.content, c.symbols'
  // One index lookup per hash (LATERAL), as in hitsByHash: a plain `hash = ANY(...)` has no
  // statistics to go by and turns into a full scan as the list grows. No ORDER BY inside: with
  // `ORDER BY id LIMIT 8` the planner walked the primary key filtering on hash (≈1.5 s at 89k
  // chunks); the chunks of one hash are put in id order below.
  const r = await db.query<{
    id: number
    path: string
    start_line: number
    end_line: number
    language: string
    hash: string
    content: string
    symbols: string | null
  }>(
    `SELECT ${cols} FROM chunks c WHERE c.id = ANY($1::bigint[])
     UNION ALL
     SELECT m.* FROM unnest($2::text[]) AS h(hash)
     CROSS JOIN LATERAL (SELECT ${cols} FROM chunks c WHERE c.hash = h.hash LIMIT 8) m`,
    [ids, hashes],
  )
  const seen = new Set<number>()
  r.rows.sort((a, b) => a.id - b.id)
  return r.rows.flatMap((x) => {
    if (seen.has(x.id)) return []
    seen.add(x.id)
    return [
      {
        id: x.id,
        path: x.path,
        startLine: x.start_line,
        endLine: x.end_line,
        language: x.language,
        hash: x.hash,
        content: x.content,
        symbols: x.symbols ? x.symbols.split(' ') : [],
      },
    ]
  })
}

/** Chunks that declare any of `names` (exact), for completion context. */
export async function symbolSnippets(
  db: Queryable,
  names: string[],
  excludePath: string | undefined,
  limit: number,
): Promise<SymbolSnippet[]> {
  const wanted = [...new Set(names.filter((n) => n.length > 2))].slice(0, 50)
  if (wanted.length === 0) return []
  const r = await db.query<{
    path: string
    start_line: number
    end_line: number
    content: string
    symbols: string
  }>(
    // The expression and the condition of the chunks_symbols index, so it is used.
    `SELECT path, start_line, end_line, content, symbols FROM chunks
     WHERE string_to_array(symbols, ' ') && $1::text[] AND symbols <> '' AND path IS DISTINCT FROM $2
     ORDER BY length(content) LIMIT ${Math.trunc(limit) * 3}`,
    [wanted, excludePath ?? null],
    BINARY_ARRAYS,
  )
  const out: SymbolSnippet[] = []
  for (const row of r.rows) {
    const symbol = row.symbols.split(' ').find((s) => wanted.includes(s))
    if (!symbol) continue
    out.push({
      path: row.path,
      startLine: row.start_line,
      endLine: row.end_line,
      symbol,
      content: row.content,
    })
    if (out.length >= limit) break
  }
  return out
}

export function filterSql(
  filter: SearchFilter | undefined,
  firstParam: number,
): { clause: string; params: unknown[] } {
  const parts: string[] = []
  const params: unknown[] = []
  if (filter?.pathRegex) {
    params.push(filter.pathRegex)
    parts.push(`c.path ~ $${firstParam + params.length - 1}`)
  }
  if (filter?.languages && filter.languages.length > 0) {
    params.push(filter.languages)
    parts.push(`c.language = ANY($${firstParam + params.length - 1}::text[])`)
  }
  return { clause: parts.map((p) => `AND ${p}`).join(' '), params }
}

export function toHit(r: Row): StoreHit {
  return {
    id: Number(r.id),
    path: String(r.path),
    startLine: Number(r.start_line),
    endLine: Number(r.end_line),
    language: String(r.language),
    hash: String(r.hash),
    score: Number(r.score),
  }
}
