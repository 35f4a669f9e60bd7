import type { PGlite } from '@electric-sql/pglite'
import { count, getMeta, setMeta } from './pgInstance'
import { embedText } from './prepareBatch'
import type { PendingEmbed, VectorState } from './storeTypes'

type Embedder = { id: string; dimensions: number }

/**
 * The embedding backlog of the full-text database: the chunk texts (`pending`) still waiting for
 * a vector from the current embedder, and what it knows of the vectors (`vec_hashes`, the
 * embedder, the vector epoch). Every call takes the PGlite handle IndexDb has now.
 */
export class Backlog {
  private constructor(
    private embedder: Embedder | null,
    /** The vector epoch that `vec_hashes` and `pending` were last synced with. */
    private epoch: string | null,
    /**
     * Rows in `pending`, kept here like IndexDb's chunk count: every search asks stats() whether
     * vectors are ready, and counting the table (bloated by deletes: single-user Postgres never
     * autovacuums) was a millisecond or more of each query.
     */
    private pending: number,
  ) {}

  static async load(db: Pick<PGlite, 'query'>): Promise<Backlog> {
    const pending = await count(db, 'SELECT count(*)::int AS n FROM pending')
    const emb = await getMeta(db, 'embedder')
    const embedder = emb ? (JSON.parse(emb) as Embedder) : null
    return new Backlog(embedder, await getMeta(db, 'vector_epoch'), pending)
  }

  /** The chosen embedder; null: none, and no chunk text waits for a vector. */
  get current(): Embedder | null {
    return this.embedder
  }

  get size(): number {
    return this.pending
  }

  /** A committed write queued `n` more texts. */
  queued(n: number): void {
    this.pending += n
  }

  /**
   * Follows the vector side (IndexDb calls this after opening the database and after choosing an
   * embedder there): a new epoch means its vectors started over, so every chunk text is queued
   * again. Same epoch and embedder: nothing to do.
   */
  async sync(db: Pick<PGlite, 'transaction'>, state: VectorState): Promise<{ reset: boolean }> {
    const e = state.embedder
    if (
      state.epoch === this.epoch &&
      e?.id === this.embedder?.id &&
      e?.dimensions === this.embedder?.dimensions
    )
      return { reset: false }
    let queued = 0
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM vec_hashes')
      await tx.query('DELETE FROM pending')
      if (e) {
        const q = await tx.query<{ n: number }>(
          `WITH q AS (INSERT INTO pending (hash) SELECT DISTINCT hash FROM chunks RETURNING 1)
           SELECT count(*)::int AS n FROM q`,
        )
        queued = q.rows[0]?.n ?? 0
        await setMeta(tx, 'embedder', JSON.stringify(e))
      } else await tx.query(`DELETE FROM meta WHERE key = 'embedder'`)
      await setMeta(tx, 'vector_epoch', state.epoch)
    })
    this.embedder = e ? { id: e.id, dimensions: e.dimensions } : null
    this.epoch = state.epoch
    this.pending = queued
    return { reset: true }
  }

  /**
   * The next texts to embed; hashes whose chunks were all deleted are dropped from the backlog. In
   * hash order, a random order over the workspace: the vectors stored first are then a fair sample
   * to learn the vector index's lists from while the rest are embedded (vectorSteps.nextStep).
   */
  async next(db: Pick<PGlite, 'query'>, limit: number): Promise<PendingEmbed[]> {
    if (!this.embedder) return []
    const r = await db.query<{ hash: string; path: string | null; content: string | null }>(
      `SELECT p.hash, c.path, c.content FROM (SELECT hash FROM pending ORDER BY hash LIMIT $1) p
       LEFT JOIN LATERAL (SELECT path, content FROM chunks k WHERE k.hash = p.hash LIMIT 1) c ON true`,
      [limit],
    )
    const orphans = r.rows.filter((x) => x.path === null).map((x) => x.hash)
    if (orphans.length > 0) this.pending -= await unqueue(db, orphans)
    const live = r.rows.filter((x) => x.path !== null)
    if (live.length === 0 && orphans.length > 0) return this.next(db, limit)
    return live.map((x) => ({ hash: x.hash, text: embedText(x.path ?? '', x.content ?? '') }))
  }

  /** Backlog entries whose chunks belong to `paths` (driven from chunks_path, not a backlog scan). */
  async nextFor(db: Pick<PGlite, 'query'>, limit: number, paths: string[]): Promise<PendingEmbed[]> {
    if (!this.embedder || paths.length === 0) return []
    const r = await db.query<{ hash: string; path: string; content: string }>(
      `SELECT DISTINCT ON (k.hash) k.hash, k.path, k.content FROM chunks k
       JOIN pending p ON p.hash = k.hash WHERE k.path = ANY($2::text[]) LIMIT $1`,
      [limit, paths],
    )
    return r.rows.map((x) => ({ hash: x.hash, text: embedText(x.path, x.content) }))
  }

  /**
   * Bookkeeping after the vector side stored (or found) vectors: `embedded` have one now,
   * `dropped` got none and never will (the embedder returned nothing usable), so neither stays in
   * the backlog. Returns how many left the backlog.
   */
  async markEmbedded(
    db: Pick<PGlite, 'transaction'>,
    embedded: string[],
    dropped: string[],
  ): Promise<number> {
    if (embedded.length === 0 && dropped.length === 0) return 0
    let done = 0
    await db.transaction(async (tx) => {
      if (embedded.length > 0)
        await tx.query(
          'INSERT INTO vec_hashes (hash) SELECT h FROM unnest($1::text[]) AS h ON CONFLICT DO NOTHING',
          [embedded],
        )
      done = await unqueue(tx, [...embedded, ...dropped])
    })
    this.pending -= done
    return done
  }
}

/** Removes hashes from the backlog; returns how many were there. */
async function unqueue(tx: Pick<PGlite, 'query'>, hashes: string[]): Promise<number> {
  const r = await tx.query<{ n: number }>(
    'WITH d AS (DELETE FROM pending WHERE hash = ANY($1::text[]) RETURNING 1) SELECT count(*)::int AS n FROM d',
    [hashes],
  )
  return r.rows[0]?.n ?? 0
}
