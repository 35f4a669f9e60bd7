import type { PGlite } from '@electric-sql/pglite'
import { languageOf } from '../../text/language'
import { BINARY_ARRAYS } from './binaryArrays'
import { type BatchPart, deleteChunks } from './fileRows'
import { damageOf, describeError, STORE_ERROR, writeFailureOf } from './storeErrors'
import type { IndexBatchResult, LexemeCounts, PreparedBatch } from './storeTypes'

const sharedFailure = (err: unknown): boolean => writeFailureOf(err) !== null || damageOf(err) !== null

/** What one write transaction changed, for IndexDb's memory of it (applied after COMMIT). */
export interface WriteOutcome {
  /** Chunks written minus chunks deleted. */
  chunkDelta: number
  /** Chunk texts queued for embedding. */
  queued: number
  /** The lexeme lists of the deleted chunks, when asked for (live counting, see TermCounts). */
  removedLexemes: string[]
}

/**
 * Writes what prepareBatch produced (possibly in another thread), in one transaction through
 * `write`. If that fails, one bad file must not fail its neighbours: each file is written alone
 * and the culprit reported. The batch's lexeme counts cover every file of it, so `onSplit` is
 * told (live counting stops there) and the single writes get no counts.
 */
export async function writePrepared(
  batch: PreparedBatch,
  write: (part: BatchPart, df: LexemeCounts | null) => Promise<void>,
  onSplit: () => void,
): Promise<IndexBatchResult> {
  const res: IndexBatchResult = { ...batch.result, skipped: [...batch.result.skipped] }
  const { touchOnly, toRemove } = batch
  const prepared = [...batch.prepared]
  if (prepared.length === 0 && touchOnly.length === 0 && toRemove.length === 0) return res
  try {
    await write({ prepared, touchOnly, toRemove }, batch.df)
  } catch (err) {
    // A full disk or damaged data fails every file alike: one clear failure, not a skip per file.
    if (prepared.length <= 1 || sharedFailure(err)) throw err
    // The pass ends with a recount from the chunks themselves (refreshTermStatsStep).
    onSplit()
    const ok: typeof prepared = []
    for (const p of prepared) {
      try {
        await write({ prepared: [p], touchOnly: [], toRemove: [] }, null)
        ok.push(p)
      } catch (e) {
        if (sharedFailure(e)) throw e
        res.skipped.push({ path: p.cand.path, reason: `${STORE_ERROR}${describeError(e)}` })
      }
    }
    await write({ prepared: [], touchOnly, toRemove }, null)
    prepared.splice(0, prepared.length, ...ok)
  }
  for (const p of prepared) {
    res.indexed++
    res.chunks += p.rows.length
  }
  res.removed = toRemove.length
  return res
}

/**
 * Writes a batch in ONE transaction: each file's row and its chunks commit together, so a killed
 * process leaves either the old version or the new one, never half a file. `withLexemes`: return
 * the deleted chunks' lexeme lists; `queueVectors`: an embedder is chosen, queue new chunk texts.
 */
export async function writeBatch(
  db: Pick<PGlite, 'transaction'>,
  { prepared, touchOnly, toRemove }: BatchPart,
  opts: { withLexemes: boolean; queueVectors: boolean },
): Promise<WriteOutcome> {
  const paths = prepared.map((p) => p.cand.path)
  const out: WriteOutcome = { chunkDelta: 0, queued: 0, removedLexemes: [] }
  await db.transaction(async (tx) => {
    const gone = [...paths, ...toRemove]
    if (gone.length > 0) {
      const del = await deleteChunks(tx, gone, opts.withLexemes)
      out.chunkDelta -= del.count
      out.removedLexemes = del.lexemes
      await tx.query('DELETE FROM files WHERE path = ANY($1::text[])', [gone], BINARY_ARRAYS)
    }
    if (prepared.length > 0) {
      await tx.query(
        `INSERT INTO files (path, hash, size, mtime_ms, language, chunks)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::text[], $6::int[])`,
        [
          paths,
          prepared.map((p) => p.hash),
          prepared.map((p) => p.cand.size),
          prepared.map((p) => p.cand.mtimeMs),
          prepared.map((p) => languageOf(p.cand.path).id),
          prepared.map((p) => p.rows.length),
        ],
        BINARY_ARRAYS,
      )
      const rows = prepared.flatMap((p) => p.rows)
      for (let i = 0; i < rows.length; i += 2000) {
        const part = rows.slice(i, i + 2000)
        await tx.query(
          `INSERT INTO chunks (path, start_line, end_line, language, hash, symbols, content, tsv, ntsv)
           SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
                                $8::tsvector[], $9::tsvector[])`,
          [
            part.map((r) => r.path),
            part.map((r) => r.startLine),
            part.map((r) => r.endLine),
            part.map((r) => r.language),
            part.map((r) => r.hash),
            part.map((r) => r.symbols),
            part.map((r) => r.content),
            part.map((r) => r.tsv),
            part.map((r) => r.ntsv),
          ],
          BINARY_ARRAYS,
        )
        out.chunkDelta += part.length
        if (opts.queueVectors)
          out.queued += await linkVectors(
            tx,
            part.map((r) => r.hash),
          )
      }
    }
    if (touchOnly.length > 0) {
      await tx.query(
        `UPDATE files f SET size = u.size, mtime_ms = u.mtime FROM unnest($1::text[], $2::bigint[], $3::float8[]) AS u(path, size, mtime)
         WHERE f.path = u.path`,
        [touchOnly.map((t) => t.path), touchOnly.map((t) => t.size), touchOnly.map((t) => t.mtimeMs)],
        BINARY_ARRAYS,
      )
    }
  })
  return out
}

/**
 * New chunk hashes without a vector are queued (the embedding queue looks
 * in the vector cache before it embeds: IndexStore). Returns how many were queued.
 */
async function linkVectors(tx: Pick<PGlite, 'query'>, hashes: string[]): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `WITH q AS (INSERT INTO pending (hash) SELECT DISTINCT h FROM unnest($1::text[]) AS h
     WHERE NOT EXISTS (SELECT 1 FROM vec_hashes v WHERE v.hash = h) ON CONFLICT DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM q`,
    [hashes],
    BINARY_ARRAYS,
  )
  return r.rows[0]?.n ?? 0
}
