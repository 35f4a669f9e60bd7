import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import {
  CACHE_SIZING,
  type PgCache,
  checkpointIfDue,
  closeDatabase,
  count,
  getMeta,
  openDatabase,
  setMeta,
} from './pgInstance'
import { markDamaged, repairAfter } from './integrity'
import { describeError, StoreDamage, StoreFailure } from './storeErrors'
import type { VectorOpenResult, VectorState } from './storeTypes'

/**
 * Vector search is an exact scan up to this many vectors, then HNSW. Measured here (bench/
 * vectorIndex.ts, docs/BENCHMARKS.md "## Index"): an exact scan is fine at a few thousand rows but
 * ~0.5-1 s at 100k; halfvec was no faster in WASM; bit-quantised scan + re-rank ≈50-90 ms at 100k
 * with poor recall; HNSW answers in a few ms but makes every insert ~17× slower. So: no index while
 * small, and HNSW built in one pass (much cheaper than row by row) once the backlog has drained.
 * From 5,000: at 8k vectors the exact scan (12.8 ms p50 in the bench, 17.9 ms in a real index) was
 * slower than the full-text query and so the whole hybrid search's critical path; HNSW there
 * answers in 3.4 ms and builds in 15 s (searches meanwhile use full text).
 */
export const HNSW_FROM_ROWS = 5_000

const MIGRATIONS = [
  {
    version: 1,
    statements: [
      `CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)`,
      // Every vector any embedder made for a chunk text: survives file deletion and embedder
      // switches, so a branch switch back, a revert or going back to an embedder re-embeds nothing.
      `CREATE TABLE embed_cache (
        embedder text NOT NULL,
        hash text NOT NULL,
        embedding vector NOT NULL,
        PRIMARY KEY (embedder, hash)
      )`,
    ],
  },
]

/**
 * The vectors of an index, in their own PGlite (`dataDir/vectors`) run by their own worker thread,
 * so a hybrid search's nearest-neighbour query runs beside its full-text query instead of after
 * it, and the minutes-long HNSW build never holds up a full-text search. `vecs` holds one vector
 * per chunk text (by hash) for the current embedder; which chunks have one is the full-text
 * database's business (its `vec_hashes` and `pending`, see IndexStore). The `epoch` names one
 * life of `vecs`: it changes whenever `vecs` starts over (new embedder, directory rebuilt), which
 * is how the other database learns that what it believes about vectors is void.
 */
export class VectorDb {
  private state: VectorState = { epoch: '', embedder: null }

  private constructor(
    private db: PGlite,
    private readonly cache: PgCache,
  ) {}

  static async open(
    dataDir: string | null,
    sizing = CACHE_SIZING,
  ): Promise<VectorOpenResult & { db: VectorDb }> {
    const pgDir = dataDir ? join(dataDir, 'vectors') : null
    const { db, rebuilt, reindexed } = await openDatabase(
      pgDir,
      sizing,
      MIGRATIONS,
      'vector index',
      async (pg, _v, cache) => {
        const v = new VectorDb(pg, cache)
        await v.load()
        return v
      },
    )
    return {
      db,
      rebuilt,
      state: db.state,
      cacheKb: db.cache.kb,
      ...(reindexed.length > 0 ? { reindexed } : {}),
    }
  }

  private async load(): Promise<void> {
    await this.cache.measure(this.db)
    const epoch = await getMeta(this.db, 'epoch')
    if (!epoch) {
      // A new directory: an epoch of its own, so the full-text database forgets older vectors.
      this.state = { epoch: randomUUID(), embedder: null }
      await setMeta(this.db, 'epoch', this.state.epoch)
      return
    }
    const emb = await getMeta(this.db, 'embedder')
    const hasVecs =
      (await count(this.db, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'vecs'`)) > 0
    this.state = { epoch, embedder: emb && hasVecs ? (JSON.parse(emb) as VectorState['embedder']) : null }
  }

  /**
   * Chooses the embedder whose vectors `vecs` holds. A different id or dimension starts `vecs` over
   * in a new epoch (the cache keeps every embedder's vectors, so going back is cheap).
   */
  async setEmbedder(id: string, dimensions: number): Promise<VectorState> {
    const cur = this.state.embedder
    if (cur && cur.id === id && cur.dimensions === dimensions) return this.state
    const next: VectorState = { epoch: randomUUID(), embedder: { id, dimensions } }
    await this.db.transaction(async (tx) => {
      await tx.query('DROP TABLE IF EXISTS vecs')
      await tx.query(
        `CREATE TABLE vecs (hash text PRIMARY KEY, embedding vector(${Math.trunc(dimensions)}) NOT NULL)`,
      )
      await setMeta(tx, 'embedder', JSON.stringify(next.embedder))
      await setMeta(tx, 'epoch', next.epoch)
    })
    this.state = next
    return next
  }

  /**
   * Of `hashes`, the ones that have a vector now: already in `vecs` (put before a crash cut the
   * bookkeeping short), or copied there from the cache.
   */
  async fromCache(hashes: string[]): Promise<string[]> {
    const emb = this.state.embedder
    if (!emb || hashes.length === 0) return []
    const r = await this.db.transaction(async (tx) => {
      // A zero vector cached before put refused them is not copied: its text goes back to the
      // embedder, and put drops it for good.
      await tx.query(
        `INSERT INTO vecs (hash, embedding)
         SELECT c.hash, c.embedding FROM embed_cache c WHERE c.embedder = $1 AND c.hash = ANY($2::text[])
           AND vector_norm(c.embedding) > 0
         ON CONFLICT DO NOTHING`,
        [emb.id, hashes],
      )
      return tx.query<{ hash: string }>('SELECT hash FROM vecs WHERE hash = ANY($1::text[])', [hashes])
    })
    return r.rows.map((x) => x.hash)
  }

  /**
   * Stores vectors (cache and `vecs`, one transaction); returns the hashes stored (valid vectors).
   * The others (the caller drops them from the backlog, so they are not asked for again) have the
   * wrong length, a non-finite value or no direction.
   */
  async put(items: { hash: string; vector: number[] }[]): Promise<string[]> {
    const emb = this.state.embedder
    if (!emb || items.length === 0) return []
    const good = items.filter((i) => i.vector.length === emb.dimensions && storable(i.vector))
    if (good.length === 0) return []
    const hashes = good.map((i) => i.hash)
    const lits = good.map((i) => vectorLiteral(i.vector))
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO embed_cache (embedder, hash, embedding) SELECT $1, h, v::vector FROM unnest($2::text[], $3::text[]) AS u(h, v)
         ON CONFLICT (embedder, hash) DO UPDATE SET embedding = EXCLUDED.embedding`,
        [emb.id, hashes, lits],
      )
      await tx.query(
        `INSERT INTO vecs (hash, embedding) SELECT h, v::vector FROM unnest($1::text[], $2::text[]) AS u(h, v)
         ON CONFLICT (hash) DO UPDATE SET embedding = EXCLUDED.embedding`,
        [hashes, lits],
      )
    })
    await checkpointIfDue(this.db)
    return hashes
  }

  /** The `k` nearest chunk texts by cosine distance (HNSW once built, else an exact scan). */
  async nearest(vector: number[], k: number): Promise<{ hash: string; d: number }[]> {
    const emb = this.state.embedder
    if (!emb || vector.length !== emb.dimensions) return []
    const r = await this.db.query<{ hash: string; d: number }>(
      `SELECT hash, embedding <=> $1::vector AS d FROM vecs ORDER BY d LIMIT ${Math.trunc(k)}`,
      [vectorLiteral(vector)],
    )
    return r.rows
  }

  /**
   * Builds the HNSW index once `vecs` is big enough (the caller knows the backlog is empty: a bulk
   * build is far cheaper than HNSW maintenance per insert during the initial fill). Blocks this
   * worker while it runs: ~15 s at 8k vectors here, ~40 s at 20k, minutes at 100k; the full-text
   * side goes on.
   */
  async maintainIndex(): Promise<{ built: boolean; ms: number; cacheKb: number }> {
    if (!(await this.needsIndex())) return { built: false, ms: 0, cacheKb: this.cache.kb }
    const t0 = performance.now()
    await this.db.query(`SET maintenance_work_mem = '512MB'`)
    try {
      await this.db.query('CREATE INDEX vecs_hnsw ON vecs USING hnsw (embedding vector_cosine_ops)')
    } finally {
      await this.db.query('RESET maintenance_work_mem')
    }
    const ms = Math.round(performance.now() - t0)
    await checkpointIfDue(this.db)
    // The graph is most of what a vector search reads. Restarted in any case: the build's memory
    // (up to maintenance_work_mem) would otherwise stay resident while the index is open.
    this.db = await this.cache.fit(this.db, ['vecs_hnsw', 'vecs_pkey'], ['vecs'], true)
    return { built: true, ms, cacheKb: this.cache.kb }
  }

  /** Whether maintainIndex would build (it blocks this worker for minutes: callers say so first). */
  async needsIndex(): Promise<boolean> {
    if (!this.state.embedder) return false
    if ((await count(this.db, `SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'vecs_hnsw'`)) > 0)
      return false
    return (await count(this.db, 'SELECT count(*)::int AS n FROM vecs')) >= HNSW_FROM_ROWS
  }

  /** How many of `hashes` have no vector in `vecs` (verify). */
  async missing(hashes: string[]): Promise<number> {
    if (hashes.length === 0) return 0
    if (!this.state.embedder) return hashes.length
    return (
      hashes.length -
      (await count(this.db, 'SELECT count(*)::int AS n FROM vecs WHERE hash = ANY($1::text[])', [hashes]))
    )
  }

  /** Rows in `vecs` (tests). */
  rows(): Promise<number> {
    if (!this.state.embedder) return Promise.resolve(0)
    return count(this.db, 'SELECT count(*)::int AS n FROM vecs')
  }

  /**
   * After a query failed: a damaged index is rebuilt (true: try again). A damaged table is marked
   * for a rebuild at the next open (StoreFailure, reason index_damaged); vectors are only a cache
   * of what the embedder makes, and meanwhile searches answer from full text. Anything else is
   * rethrown.
   */
  async repairAfter(err: unknown): Promise<true> {
    try {
      return await repairAfter(this.db, err)
    } catch (e) {
      if (!(e instanceof StoreDamage)) throw e
      markDamaged(this.cache.pgDir)
      throw new StoreFailure(
        'index_damaged',
        `the vector index is damaged (${describeError(err)}): it is rebuilt when the index is next opened`,
      )
    }
  }

  async close(): Promise<void> {
    await closeDatabase(this.db, this.cache.pgDir)
  }
}

/**
 * Whether a vector can be stored: finite, and pointing somewhere once written as a literal. A zero
 * vector (an embedder's answer for a text with nothing it knows) has a NaN cosine distance to every
 * query, so it would only ever be a NaN hit; components under the literal's rounding become zeros.
 */
function storable(v: readonly number[]): boolean {
  let direction = false
  for (const x of v) {
    if (!Number.isFinite(x)) return false
    if (Math.round(x * 1e6) !== 0) direction = true
  }
  return direction
}

export const vectorLiteral = (v: ArrayLike<number>): string => {
  let s = '['
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + (Math.round((v[i] ?? 0) * 1e6) / 1e6).toString()
  return s + ']'
}
