import type { PGlite } from '@electric-sql/pglite'
import { count } from './pgInstance'
import { StoreDamage } from './storeErrors'
import type { VerifyResult } from './storeTypes'

type Queryable = Pick<PGlite, 'query'>

/**
 * The rows check at every open, and the number of chunks (which the store keeps in memory): every
 * file row records how many chunks it committed with, so their sum must be the chunks stored. A
 * chunks table cut short (a damaged file) reads as fewer rows and nothing else notices: every
 * later search silently misses them, and re-indexing the same files rewrites only their own rows.
 * The count reads the table itself, not an index of it (an intact index would hide the loss).
 * `full` (after an unclean close): also file by file, and chunks without a file. Damage throws
 * StoreDamage: the database is rebuilt from the files.
 */
export async function checkRows(db: Pick<PGlite, 'query' | 'transaction'>, full: boolean): Promise<number> {
  const { chunks, recorded } = await db.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_indexscan = off')
    await tx.query('SET LOCAL enable_indexonlyscan = off')
    await tx.query('SET LOCAL enable_bitmapscan = off')
    return {
      chunks: await count(tx, 'SELECT count(*)::int AS n FROM chunks'),
      recorded: await count(tx, 'SELECT coalesce(sum(chunks), 0)::int AS n FROM files'),
    }
  })
  if (chunks !== recorded)
    throw new StoreDamage(
      `damaged: the chunks table holds ${chunks} chunks where the files record ${recorded}; rebuilt from the files`,
    )
  if (full) {
    const v = await verify(db, 0, false)
    if (v.badFiles.length > 0 || v.orphanChunks > 0)
      throw new StoreDamage(
        `damaged: ${v.badFiles.length} files without their chunks, ${v.orphanChunks} chunks without their file; rebuilt from the files`,
      )
  }
  return chunks
}

/**
 * A file row says how many chunks it committed with; any difference means a torn write.
 * `backlog`: the backlog size kept in memory (Backlog), checked against its table; `embedding`:
 * an embedder is chosen, so every chunk text must have a vector or be in the backlog.
 */
export async function verify(db: Queryable, backlog: number, embedding: boolean): Promise<VerifyResult> {
  const bad = await db.query<{ path: string }>(
    `SELECT f.path FROM files f LEFT JOIN (SELECT path, count(*)::int AS n FROM chunks GROUP BY path) c ON c.path = f.path
     WHERE coalesce(c.n, 0) <> f.chunks`,
  )
  const orphans = await count(
    db,
    'SELECT count(*)::int AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.path = c.path)',
  )
  const rows = await count(db, 'SELECT count(*)::int AS n FROM pending')
  // With an embedder, every chunk text is either recorded as having a vector or in the backlog;
  // one that is neither would never be embedded.
  const unlinked = embedding
    ? await count(
        db,
        `SELECT count(DISTINCT c.hash)::int AS n FROM chunks c
         WHERE NOT EXISTS (SELECT 1 FROM vec_hashes v WHERE v.hash = c.hash)
           AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.hash = c.hash)`,
      )
    : 0
  return {
    badFiles: bad.rows.map((r) => r.path),
    orphanChunks: orphans,
    backlogMiscount: backlog - rows,
    vectorsMissing: unlinked,
  }
}

/** Chunk texts recorded as having a vector (verify checks they do). */
export async function linkedHashes(db: Queryable): Promise<string[]> {
  const r = await db.query<{ hash: string }>(
    'SELECT DISTINCT c.hash FROM chunks c JOIN vec_hashes v ON v.hash = c.hash',
  )
  return r.rows.map((x) => x.hash)
}

/** Every chunk's place and text hash, in a stable order (tests compare it to a fresh walk). */
export async function chunkList(
  db: Queryable,
): Promise<{ path: string; startLine: number; endLine: number; hash: string }[]> {
  const r = await db.query<{ path: string; start_line: number; end_line: number; hash: string }>(
    'SELECT path, start_line, end_line, hash FROM chunks ORDER BY path, start_line, end_line, hash',
  )
  return r.rows.map((x) => ({ path: x.path, startLine: x.start_line, endLine: x.end_line, hash: x.hash }))
}
