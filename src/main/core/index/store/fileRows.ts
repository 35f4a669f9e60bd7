import type { PGlite } from '@electric-sql/pglite'
import { BINARY_ARRAYS } from './binaryArrays'
import type { PreparedBatch } from './storeTypes'

/** What the index holds for a file: size and mtime (the fast path), then the content hash. */
export interface FileState {
  hash: string
  size: number
  mtimeMs: number
}

/** The part of a prepared batch that one write transaction stores. */
export type BatchPart = Pick<PreparedBatch, 'prepared' | 'touchOnly' | 'toRemove'>

/**
 * The `files` table mirrored in memory: what the indexer asks to find changed files, without a
 * query. Changed only after COMMIT, so it follows what is durable.
 */
export class FileMirror {
  private constructor(private readonly states: Map<string, FileState>) {}

  static async load(db: Pick<PGlite, 'query'>): Promise<FileMirror> {
    const files = await db.query<{ path: string; hash: string; size: string; mtime_ms: number }>(
      'SELECT path, hash, size::text AS size, mtime_ms FROM files',
    )
    return new FileMirror(
      new Map(files.rows.map((r) => [r.path, { hash: r.hash, size: Number(r.size), mtimeMs: r.mtime_ms }])),
    )
  }

  get size(): number {
    return this.states.size
  }

  get(path: string): FileState | undefined {
    return this.states.get(path)
  }

  /** Those of `paths` the index holds. */
  known(paths: string[]): string[] {
    return paths.filter((p) => this.states.has(p))
  }

  list(): { path: string; size: number; mtimeMs: number; hash: string }[] {
    return [...this.states].map(([path, s]) => ({ path, ...s }))
  }

  /** Follows a committed write (writeBatch). */
  applyWrite({ prepared, touchOnly, toRemove }: BatchPart): void {
    for (const p of toRemove) this.states.delete(p)
    for (const p of prepared)
      this.states.set(p.cand.path, { hash: p.hash, size: p.cand.size, mtimeMs: p.cand.mtimeMs })
    for (const t of touchOnly) {
      const s = this.states.get(t.path)
      if (s) this.states.set(t.path, { ...s, size: t.size, mtimeMs: t.mtimeMs })
    }
  }

  /** Follows a committed removal (deleteFileRows). */
  forget(paths: string[]): void {
    for (const p of paths) this.states.delete(p)
  }
}

/** Chunks deleted, and their lexeme lists when asked for (live counting, see TermCounts). */
export interface DeletedChunks {
  count: number
  lexemes: string[]
}

/**
 * Deletes the chunks of `paths`; returns how many, and their lexeme lists if `withLexemes`
 * (otherwise none: the rows need not cross the thread for nothing).
 */
export async function deleteChunks(
  tx: Pick<PGlite, 'query'>,
  paths: string[],
  withLexemes: boolean,
): Promise<DeletedChunks> {
  if (withLexemes) {
    const r = await tx.query<{ l: string }>(
      `DELETE FROM chunks WHERE path = ANY($1::text[]) RETURNING array_to_string(tsvector_to_array(tsv), ' ') AS l`,
      [paths],
      BINARY_ARRAYS,
    )
    return { count: r.rows.length, lexemes: r.rows.map((x) => x.l) }
  }
  const r = await tx.query<{ n: number }>(
    'WITH d AS (DELETE FROM chunks WHERE path = ANY($1::text[]) RETURNING 1) SELECT count(*)::int AS n FROM d',
    [paths],
    BINARY_ARRAYS,
  )
  return { count: r.rows[0]?.n ?? 0, lexemes: [] }
}

/** Deletes the rows of `paths` (files the index holds) and their chunks, in one transaction. */
export async function deleteFileRows(
  db: Pick<PGlite, 'transaction'>,
  paths: string[],
  withLexemes: boolean,
): Promise<DeletedChunks> {
  let del: DeletedChunks = { count: 0, lexemes: [] }
  await db.transaction(async (tx) => {
    del = await deleteChunks(tx, paths, withLexemes)
    await tx.query('DELETE FROM files WHERE path = ANY($1::text[])', [paths], BINARY_ARRAYS)
  })
  return del
}
