import { randomUUID } from 'node:crypto'
import type { PGlite } from '@electric-sql/pglite'
import { checkpointIfDue, count, getMeta, setMeta } from './pgInstance'
import type { VectorState } from './storeTypes'

/**
 * Vector search is an exact scan up to this many vectors, then HNSW. Measured here (bench/
 * vectorIndex.ts, docs/BENCHMARKS.md "## Index"): an exact scan is fine at a few thousand rows but
 * ~0.5-1 s at 100k; halfvec was no faster in WASM; bit-quantised scan + re-rank ≈50-90 ms at 100k
 * with poor recall; HNSW answers in a few ms but makes every insert ~17× slower. So: no index while
 * small, and HNSW built in one pass (much cheaper than row by row) once the backlog has drained.
 * From 5,000: at 8k vectors the exact scan (12.8 ms p50 in the bench, 17.9 ms in a real index) was
 * slower than the full-text query and so the whole hybrid search's critical path; HNSW there
 * answers in 3.4 ms and builds in 15 s.
 */
export const HNSW_FROM_ROWS = 5_000

/** The partial HNSW index over the current embedder's rows of `embeddings`. */
const HNSW = 'embeddings_hnsw'

/**
 * What the vector side needs of the database it shares with the full-text tables (IndexDb owns
 * it): the PGlite handle as it is now (cache sizing may restart Postgres and replace it), and a
 * restart that gives back the memory a vector index build took.
 */
export interface VectorHost {
  pg(): PGlite
  /** Re-sizes the buffer cache and restarts Postgres (PgCache.fit with `release`). */
  release(): Promise<void>
}

/**
 * The vectors of an index, in the same database as its full-text tables (one PGlite, one worker
 * thread: a second instance was ≈100 MB of resident memory and ≈8 MB of disk per index, see
 * docs/BENCHMARKS.md "Footprint"). One table, `embeddings`, holds every vector any embedder made
 * for a chunk text, keyed by (text hash, embedder): it is both what vector search scans (the
 * current embedder's rows) and the cache that spares re-embedding a text seen before (a branch
 * switch back, a revert, going back to an earlier embedder). Each vector is stored once.
 *
 * Which chunks have a vector is the backlog's business (`vec_hashes`, `pending`: Backlog). The
 * `epoch` names one life of the current embedder's choice: it changes whenever the embedder does
 * (and for a new database), which is how the backlog learns that what it recorded is void
 * (Backlog.sync). Both live in this database now, but are still written by two transactions
 * (setEmbedder, then the sync): a crash between them leaves a new epoch the next open syncs to.
 */
export class VectorDb {
  private state: VectorState = { epoch: '', embedder: null }
  /** Whether the HNSW index over the current embedder's rows exists. */
  private indexed = false

  private constructor(private readonly host: VectorHost) {}

  /** Loads the vector side's state from the database (IndexDb.open, after the migrations). */
  static async load(host: VectorHost): Promise<VectorDb> {
    const v = new VectorDb(host)
    const db = host.pg()
    const epoch = await getMeta(db, 'vectors_epoch')
    if (!epoch) {
      // A new database (or one from before the merge): an epoch of its own, so the backlog
      // queues every chunk text again.
      v.state = { epoch: randomUUID(), embedder: null }
      await setMeta(db, 'vectors_epoch', v.state.epoch)
      return v
    }
    const emb = await getMeta(db, 'vectors_embedder')
    v.state = { epoch, embedder: emb ? (JSON.parse(emb) as VectorState['embedder']) : null }
    v.indexed = (await count(db, `SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = '${HNSW}'`)) > 0
    return v
  }

  get current(): VectorState {
    return this.state
  }

  private get db(): PGlite {
    return this.host.pg()
  }

  /**
   * The current embedder's key in `embeddings`: its id and dimensions (an id that changes its
   * dimensions is another embedder; its old vectors could not be compared with the new ones).
   */
  private key(): string | null {
    const e = this.state.embedder
    return e ? `${e.id}#${Math.trunc(e.dimensions)}` : null
  }

  /**
   * Chooses the embedder whose vectors searches use. A different id or dimension starts a new epoch
   * (the backlog queues every text again; those with a vector of this embedder already are found in
   * `embeddings`, fromCache) and drops the previous embedder's HNSW index.
   */
  async setEmbedder(id: string, dimensions: number): Promise<VectorState> {
    const cur = this.state.embedder
    if (cur && cur.id === id && cur.dimensions === dimensions) return this.state
    const next: VectorState = { epoch: randomUUID(), embedder: { id, dimensions } }
    await this.db.transaction(async (tx) => {
      await tx.query(`DROP INDEX IF EXISTS ${HNSW}`)
      await setMeta(tx, 'vectors_embedder', JSON.stringify(next.embedder))
      await setMeta(tx, 'vectors_epoch', next.epoch)
    })
    this.state = next
    this.indexed = false
    return next
  }

  /** Of `hashes`, the ones that have a vector of the current embedder already. */
  async fromCache(hashes: string[]): Promise<string[]> {
    const key = this.key()
    if (!key || hashes.length === 0) return []
    const r = await this.db.query<{ hash: string }>(
      'SELECT hash FROM embeddings WHERE hash = ANY($1::text[]) AND embedder = $2',
      [hashes, key],
    )
    return r.rows.map((x) => x.hash)
  }

  /**
   * Stores vectors (one transaction); returns the hashes stored (valid vectors). The others (the
   * caller drops them from the backlog, so they are not asked for again) have the wrong length, a
   * non-finite value or no direction.
   */
  async put(items: { hash: string; vector: number[] }[]): Promise<string[]> {
    const emb = this.state.embedder
    const key = this.key()
    if (!emb || !key || items.length === 0) return []
    const good = items.filter((i) => i.vector.length === emb.dimensions && storable(i.vector))
    if (good.length === 0) return []
    const hashes = good.map((i) => i.hash)
    await this.db.query(
      `INSERT INTO embeddings (hash, embedder, embedding)
       SELECT h, $1, v::vector FROM unnest($2::text[], $3::text[]) AS u(h, v)
       ON CONFLICT (hash, embedder) DO UPDATE SET embedding = EXCLUDED.embedding`,
      [key, hashes, good.map((i) => vectorLiteral(i.vector))],
    )
    await checkpointIfDue(this.db)
    return hashes
  }

  /**
   * The `k` nearest chunk texts by cosine distance (HNSW once built, else an exact scan). The
   * embedder is written into the query, not passed as a parameter, and the vectors cast to its
   * dimensions: that is the shape the partial HNSW index is declared with, so the planner uses it.
   */
  async nearest(vector: number[], k: number): Promise<{ hash: string; d: number }[]> {
    const emb = this.state.embedder
    const key = this.key()
    if (!emb || !key || vector.length !== emb.dimensions) return []
    const dims = Math.trunc(emb.dimensions)
    const r = await this.db.query<{ hash: string; d: number }>(
      `SELECT hash, embedding::vector(${dims}) <=> $1::vector(${dims}) AS d FROM embeddings
       WHERE embedder = ${sqlText(key)} ORDER BY d LIMIT ${Math.trunc(k)}`,
      [vectorLiteral(vector)],
    )
    return r.rows
  }

  /**
   * Builds the HNSW index once the current embedder has enough vectors (the caller knows the
   * backlog is empty: a bulk build is far cheaper than HNSW maintenance per insert during the
   * initial fill). A partial index over this embedder's rows, on the vectors cast to its
   * dimensions (the column itself holds every embedder's). Blocks the store worker while it runs:
   * ≈15 s at 8k vectors here, ≈40 s at 20k; searches wait for it (IndexStore says so).
   */
  async maintainIndex(): Promise<{ built: boolean; ms: number }> {
    const emb = this.state.embedder
    const key = this.key()
    if (!emb || !key || !(await this.needsIndex())) return { built: false, ms: 0 }
    const t0 = performance.now()
    await this.db.query(`SET maintenance_work_mem = '512MB'`)
    try {
      await this.db.query(
        `CREATE INDEX ${HNSW} ON embeddings USING hnsw ((embedding::vector(${Math.trunc(emb.dimensions)})) vector_cosine_ops)
         WHERE embedder = ${sqlText(key)}`,
      )
    } finally {
      await this.db.query('RESET maintenance_work_mem')
    }
    this.indexed = true
    const ms = Math.round(performance.now() - t0)
    await checkpointIfDue(this.db)
    // The graph is most of what a vector search reads. Restarted in any case: the build's memory
    // (up to maintenance_work_mem) would otherwise stay resident while the index is open.
    await this.host.release()
    return { built: true, ms }
  }

  /** Whether maintainIndex would build (it blocks the store for seconds to minutes: callers say so first). */
  async needsIndex(): Promise<boolean> {
    const key = this.key()
    if (!key || this.indexed) return false
    return (
      (await count(this.db, 'SELECT count(*)::int AS n FROM embeddings WHERE embedder = $1', [key])) >=
      HNSW_FROM_ROWS
    )
  }

  /** How many of `hashes` have no vector of the current embedder (verify). */
  async missing(hashes: string[]): Promise<number> {
    const key = this.key()
    if (hashes.length === 0) return 0
    if (!key) return hashes.length
    return hashes.length - (await this.fromCache(hashes)).length
  }

  /** Vectors of the current embedder (tests). */
  rows(): Promise<number> {
    const key = this.key()
    if (!key) return Promise.resolve(0)
    return count(this.db, 'SELECT count(*)::int AS n FROM embeddings WHERE embedder = $1', [key])
  }
}

/** A text as an SQL literal (an embedder id is ours, but may hold a quote). */
function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
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
