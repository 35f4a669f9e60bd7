import { randomUUID } from 'node:crypto'
import type { PGlite } from '@electric-sql/pglite'
import { checkpointIfDue, count, getMeta, setMeta } from './pgInstance'
import type { VectorState } from './storeTypes'
import { IvfTraining } from './ivfTraining'
import { BINARY_ARRAYS } from './binaryArrays'
import { vectorArrayBinary, vectorArrayOptions, vectorOids } from './vectorBinary'
import {
  createGen,
  dropIvf,
  ivfIndexName,
  ivfLists,
  loadIvf,
  moveStep,
  nearestSql,
  nextStep,
  setProbes,
  type IvfState,
  type IvfStep,
} from './vectorSteps'

/**
 * Vector search is an exact scan up to INDEX_FROM_ROWS vectors, then an IVFFlat index built in
 * short steps (vectorSteps.ts). Measured before (bench/vectorIndex.ts): an exact scan is fine at a
 * few thousand rows but ~0.5-1 s at 100k; halfvec was no faster in WASM; bit-quantised scan +
 * re-rank ≈50-90 ms at 100k with poor recall; per-row HNSW inserts ~17× slower than a bulk build.
 * HNSW itself answered fastest but its bulk build is one statement that held the store worker (and
 * every search) for ≈30 s on a 10k-file tree; the options side by side: bench/vectorOptions.ts.
 */
export { INDEX_FROM_ROWS } from './vectorSteps'

/**
 * What the vector side needs of the database it shares with the full-text tables (IndexDb owns
 * it): the PGlite handle as it is now (cache sizing may restart Postgres and replace it), and a
 * restart that gives back the memory a vector index build took.
 */
export interface VectorHost {
  pg(): PGlite
  /** Re-sizes the buffer cache and restarts Postgres (PgCache.fit with `release`): after a build. */
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
  /** The vector index over the current embedder's rows (null: none yet). */
  private ivf: IvfState | null = null
  /** The last build step moved rows: a VACUUM is the next step (only known here; see nextStep). */
  private vacuumDue = false
  /** The build is done: the next step restarts Postgres to give back what it grew (its own step). */
  private releaseDue = false
  /** The lists of the next index generation, being learnt (in memory: a restart starts over). */
  private training: IvfTraining | null = null

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
    v.ivf = await loadIvf(db)
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
   * `embeddings`, fromCache) and drops the previous embedder's vector index.
   */
  async setEmbedder(id: string, dimensions: number): Promise<VectorState> {
    const cur = this.state.embedder
    if (cur && cur.id === id && cur.dimensions === dimensions) return this.state
    const next: VectorState = { epoch: randomUUID(), embedder: { id, dimensions } }
    await this.db.transaction(async (tx) => {
      await dropIvf(tx, this.ivf)
      await setMeta(tx, 'vectors_embedder', JSON.stringify(next.embedder))
      await setMeta(tx, 'vectors_epoch', next.epoch)
    })
    this.state = next
    this.ivf = null
    this.vacuumDue = false
    this.releaseDue = false
    this.training = null
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
    // Into the newest index generation when there is one (an IVFFlat insert is one list lookup),
    // else the tail that the next build takes in.
    const gen = this.ivf?.live.at(-1)?.gen ?? 0
    // The vectors in binary (vectorBinary.ts): as text literals they were most of this call's time.
    const db = this.db
    const oids = await vectorOids(db)
    await db.query(
      `INSERT INTO embeddings (hash, embedder, embedding, ivf_gen)
       SELECT h, $1, v, $4 FROM unnest($2::text[], $3::vector[]) AS u(h, v)
       ON CONFLICT (hash, embedder) DO UPDATE SET embedding = EXCLUDED.embedding, ivf_gen = EXCLUDED.ivf_gen`,
      [
        key,
        hashes,
        vectorArrayBinary(
          good.map((i) => i.vector),
          emb.dimensions,
          oids.element,
        ),
        gen,
      ],
      {
        ...BINARY_ARRAYS,
        serializers: { ...BINARY_ARRAYS.serializers, ...vectorArrayOptions(oids).serializers },
      },
    )
    await checkpointIfDue(this.db)
    return hashes
  }

  /**
   * The `k` nearest chunk texts by cosine distance: through the vector index where it covers the
   * rows, exactly where it does not yet (nearestSql). The vectors are cast to the embedder's
   * dimensions: that is the shape the partial index is declared with, so the planner uses it.
   */
  async nearest(vector: number[], k: number): Promise<{ hash: string; d: number }[]> {
    const emb = this.state.embedder
    const key = this.key()
    if (!emb || !key || vector.length !== emb.dimensions) return []
    await setProbes(this.db, this.ivf)
    const r = await this.db.query<{ hash: string; d: number }>(nearestSql(this.ivf, key, emb.dimensions, k), [
      vectorLiteral(vector),
    ])
    return r.rows
  }

  /**
   * One step of vector index upkeep (vectorSteps.ts), each ≈a second or less, so that the store
   * worker answers the searches queued meanwhile before the next. The caller calls again while
   * `more`. `pending`: texts still to embed; while there are some, the first index is begun once a
   * training sample for all of them is stored (nextStep), and the restart that gives back the
   * memory the build grew (a WASM heap never shrinks), a last step of its own, waits for the end.
   */
  async maintainStep(pending = 0): Promise<{
    built: boolean
    ms: number
    more: boolean
    step: IvfStep | 'train' | 'release'
  }> {
    const emb = this.state.embedder
    const key = this.key()
    if (!emb || !key) return { built: false, ms: 0, more: false, step: 'none' }
    const t0 = performance.now()
    if (this.releaseDue && pending === 0) {
      this.releaseDue = false
      await this.host.release()
      return { built: true, ms: Math.round(performance.now() - t0), more: false, step: 'release' }
    }
    const rows = await this.rows()
    let step: IvfStep | 'train' | 'release' = nextStep(this.ivf, rows, this.vacuumDue, pending)
    if (step === 'none') return { built: false, ms: 0, more: false, step }
    if (step === 'create') {
      // Lists are fixed when training starts (vectors added meanwhile do not start it over).
      if (this.training?.key !== key)
        this.training = new IvfTraining(key, ivfLists(rows + pending), emb.dimensions, rows)
      const centroids = await this.training.step(this.db)
      if (!centroids) step = 'train'
      else {
        this.training = null
        this.ivf = await createGen(this.db, this.ivf, key, centroids, emb.dimensions)
      }
    } else if (step === 'move' && this.ivf) {
      const r = await moveStep(this.db, this.ivf)
      this.ivf = r.state
      this.vacuumDue = this.ivf.complete
    } else if (step === 'vacuum') {
      this.vacuumDue = false
      // ANALYZE too: PGlite runs no autovacuum, and without statistics the planner guessed a few
      // rows for this embedder and generation, skipped the IVFFlat index and sorted every vector
      // (≈0.8 s a query at 100k chunks).
      await this.db.query('VACUUM (ANALYZE) embeddings')
    }
    await checkpointIfDue(this.db)
    // The restart (a WASM heap never shrinks) follows the last step, as a step of its own.
    this.releaseDue = nextStep(this.ivf, await this.rows(), this.vacuumDue, pending) === 'none'
    return { built: false, ms: Math.round(performance.now() - t0), more: true, step }
  }

  /** Whether maintainStep has a step to take (callers say the index is being built first). */
  async needsIndex(): Promise<boolean> {
    if (!this.key()) return false
    return this.releaseDue || nextStep(this.ivf, await this.rows(), this.vacuumDue) !== 'none'
  }

  /**
   * While texts are still pending: one upkeep step if one is due (the first index begun early,
   * see nextStep), else nothing. A finished index costs no query here: a new generation for rows
   * added meanwhile waits for the backlog's end (maintainStep).
   */
  async stepDuringBacklog(pending: number): Promise<IvfStep | 'train' | 'release'> {
    if (!this.key() || pending === 0 || (this.ivf?.complete && !this.vacuumDue)) return 'none'
    return (await this.maintainStep(pending)).step
  }

  /** The names of the vector index's parts (the buffer cache is sized to what searches read). */
  indexNames(): string[] {
    return (this.ivf?.live ?? []).map((g) => ivfIndexName(g.gen))
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

/**
 * Whether a vector can be stored: finite (the binary form would store a NaN as it is), and pointing
 * somewhere. A zero vector (an embedder's answer for a text with nothing it knows) has a NaN cosine
 * distance to every query, so it would only ever be a NaN hit; components under 1e-6 count as zero
 * (the text form vectors were once written in rounded them away, and query vectors still are).
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
