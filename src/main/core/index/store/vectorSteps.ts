import type { PGlite, Transaction } from '@electric-sql/pglite'
import { getMeta, setMeta } from './pgInstance'

/**
 * The vector index of `embeddings`, built in short steps so that the store worker answers searches
 * in between (one PGlite, one thread: a single CREATE INDEX held every query for its whole length,
 * ≈30 s on a 10k-file tree, minutes at 100k chunks).
 *
 * IVFFlat (pgvector), not HNSW: bench/vectorOptions.ts on real chunks. HNSW can only be built in
 * one statement (or row by row, far slower), while an IVFFlat index takes rows cheaply once its
 * lists exist (each row goes to its nearest list). pgvector learns the lists inside CREATE INDEX
 * (one long statement again), so they are learnt here in steps (ivfTraining.ts) and the index is
 * created over exactly those centroids: placeholder rows holding them, indexed and deleted in the
 * same transaction (pgvector's k-means over as many points as lists keeps them as they are). Then
 * steps that each move a bounded number of rows into it, then VACUUM. Rows join the index by their
 * `ivf_gen` column (the index is partial: this embedder, this generation); the rows no index
 * covers yet (`ivf_gen` 0, the tail) are scanned exactly by every query, so a half-built index
 * answers with every row.
 *
 * Lists are fixed when an index is created: once the rows have grown so that the right number of
 * lists has doubled (≈4× the rows), a new generation is built the same way while the old one still
 * serves, and the old index is dropped once every row has moved. Each step that changes the
 * database is one transaction (a kill mid-build reopens as a consistent half-built index, and the
 * next upkeep goes on from there).
 */

/** From this many vectors an index pays for itself (an exact scan of 8k took longer than the full-text query). */
export const INDEX_FROM_ROWS = 5_000

/**
 * Vector-centroid distances one step computes (training or moving rows): ≈0.1-0.3 s of the
 * worker's thread, so a search queued behind a step waits no longer than that.
 */
export const STEP_PAIRS = 300_000

/** Most rows moved into the index per step (fewer with many lists: ivfStepRows). */
export const IVF_STEP_ROWS = 1_000

/** Rows per move step: each costs one distance per list, kept near STEP_PAIRS a step. */
export function ivfStepRows(lists: number): number {
  return Math.max(250, Math.min(IVF_STEP_ROWS, Math.floor(STEP_PAIRS / lists)))
}

/** Sample vectors per list the centroids are learnt from (pgvector itself takes up to 50). */
export const SAMPLE_PER_LIST = 24

/** Lists of an index over `rows` vectors: √rows keeps the lists scanned and the list lengths balanced. */
export function ivfLists(rows: number): number {
  return Math.max(16, Math.round(Math.sqrt(rows)))
}

/**
 * Lists a query reads: 3·√lists. bench/vectorOptions.ts (real chunks, 20k) had 2·√lists on a par
 * with the HNSW index it replaces (ef_search 100) for recall@10 and above it for @60; texts that
 * differ in one made-up word each (tests/integration/index/vectorIndexStatus.test.ts) needed more for the
 * exact nearest text first, as HNSW had it.
 */
export function ivfProbes(lists: number): number {
  return Math.max(16, 3 * Math.ceil(Math.sqrt(lists)))
}

/** One index generation: `embeddings_ivf_<gen>` over the rows whose ivf_gen is gen. */
export interface IvfGen {
  gen: number
  lists: number
}

/** What the vector index is, saved in meta with the index changes (one transaction each). */
export interface IvfState {
  /** The embedder key the generations index (setEmbedder drops them). */
  key: string
  /** Oldest first; the newest is where new vectors go. At most two (during a rebuild). */
  live: IvfGen[]
  /** Whether every row of `key` is in the newest generation (nothing left to move). */
  complete: boolean
}

const STATE = 'vectors_ivf'
/** The next generation number, never reused (rows of another embedder keep theirs). */
const NEXT = 'vectors_ivf_next'

export const ivfIndexName = (gen: number): string => `embeddings_ivf_${Math.trunc(gen)}`

export async function loadIvf(db: PGlite): Promise<IvfState | null> {
  const s = await getMeta(db, STATE)
  return s ? (JSON.parse(s) as IvfState) : null
}

/** Drops every generation's index (a new embedder, or a state that is not this key's). */
export async function dropIvf(tx: Transaction, state: IvfState | null): Promise<void> {
  for (const g of state?.live ?? []) await tx.query(`DROP INDEX IF EXISTS ${ivfIndexName(g.gen)}`)
  await tx.query(`DELETE FROM meta WHERE key = '${STATE}'`)
}

/** A text as an SQL literal (an embedder id is ours, but may hold a quote). */
export function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
}

export type IvfStep = 'create' | 'move' | 'vacuum' | 'none'

/**
 * The next upkeep step for `rows` vectors of `key` with `pending` texts still to embed, or 'none'.
 * 'vacuum' follows the last move (the moves left one dead row version each) and is only known in
 * memory: after a crash it is skipped, which costs space, not answers.
 *
 * While texts are pending, the first index is created as soon as a training sample for the lists
 * of all of them is stored (the backlog is embedded in hash order, so the first rows are a fair
 * sample): the rest then go straight into it, one IVFFlat insert each, instead of into the tail,
 * where a later step moves every row again (an UPDATE each) and a VACUUM follows.
 */
export function nextStep(state: IvfState | null, rows: number, vacuumDue: boolean, pending = 0): IvfStep {
  if (vacuumDue) return 'vacuum'
  const expected = rows + pending
  if (!state || state.live.length === 0) {
    if (expected < INDEX_FROM_ROWS) return 'none'
    return rows >= Math.min(expected, ivfLists(expected) * SAMPLE_PER_LIST) ? 'create' : 'none'
  }
  if (!state.complete) return 'move'
  const newest = state.live[state.live.length - 1]
  return newest && ivfLists(rows) >= 2 * newest.lists ? 'create' : 'none'
}

/**
 * Creates a new generation whose lists are `centroids` (one transaction): they are written as
 * placeholder rows of that generation, indexed, and deleted again (never seen outside it).
 */
export async function createGen(
  db: PGlite,
  state: IvfState | null,
  key: string,
  centroids: Float32Array[],
  dims: number,
) {
  const lists = centroids.length
  const k = sqlText(key)
  return db.transaction(async (tx) => {
    const gen = Number((await getMeta(tx, NEXT)) ?? '1')
    await setMeta(tx, NEXT, String(gen + 1))
    // The first generation of this embedder's life: rows an earlier life indexed (the vectors are
    // also a cache) start in the tail like the rest, or no step would ever move them.
    if (!state?.live.length)
      await tx.query(`UPDATE embeddings SET ivf_gen = 0 WHERE embedder = ${k} AND ivf_gen <> 0`)
    await tx.query(
      `INSERT INTO embeddings (hash, embedder, embedding, ivf_gen)
       SELECT 'ivf-centroid-' || i, ${k}, v::vector, ${gen} FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i)`,
      [centroids.map((c) => `[${Array.from(c, (x) => x.toFixed(7)).join(',')}]`)],
    )
    await tx.query(
      `CREATE INDEX ${ivfIndexName(gen)} ON embeddings USING ivfflat ((embedding::vector(${Math.trunc(dims)})) vector_cosine_ops)
       WITH (lists = ${lists}) WHERE embedder = ${k} AND ivf_gen = ${gen}`,
    )
    await tx.query(`DELETE FROM embeddings WHERE embedder = ${k} AND ivf_gen = ${gen}`)
    const next: IvfState = { key, live: [...(state?.live ?? []), { gen, lists }], complete: false }
    await setMeta(tx, STATE, JSON.stringify(next))
    return next
  })
}

/**
 * Moves up to ivfStepRows rows into the newest generation: the tail first, then the older
 * generation's rows. When none are left, the state says complete and the older index is dropped
 * (same transaction). Returns the new state and whether rows were moved.
 */
export async function moveStep(db: PGlite, state: IvfState): Promise<{ state: IvfState; moved: number }> {
  const newest = state.live[state.live.length - 1]
  if (!newest) return { state, moved: 0 }
  const key = sqlText(state.key)
  const most = ivfStepRows(newest.lists)
  return db.transaction(async (tx) => {
    let moved = 0
    for (const from of [0, ...state.live.slice(0, -1).map((g) => g.gen)]) {
      const r = await tx.query(
        `UPDATE embeddings SET ivf_gen = ${newest.gen} WHERE embedder = ${key} AND hash IN
           (SELECT hash FROM embeddings WHERE embedder = ${key} AND ivf_gen = ${from} LIMIT ${most - moved})`,
      )
      moved += r.affectedRows ?? 0
      if (moved >= most) return { state, moved }
    }
    for (const g of state.live.slice(0, -1)) await tx.query(`DROP INDEX IF EXISTS ${ivfIndexName(g.gen)}`)
    const next: IvfState = { key: state.key, live: [newest], complete: true }
    await setMeta(tx, STATE, JSON.stringify(next))
    return { state: next, moved }
  })
}

/** The probes setting each Postgres instance was given (a restart makes a new one). */
const probesSet = new WeakMap<PGlite, number>()

/** Sets ivfflat.probes for `state`'s lists on `db`, if it is not already. */
export async function setProbes(db: PGlite, state: IvfState | null): Promise<void> {
  const lists = Math.max(0, ...(state?.live ?? []).map((g) => g.lists))
  if (lists === 0) return
  const probes = ivfProbes(lists)
  if (probesSet.get(db) === probes) return
  await db.query(`SET ivfflat.probes = ${probes}`)
  probesSet.set(db, probes)
}

/**
 * The nearest-rows query: each generation through its index, the tail exactly, merged. Key and
 * generations are written into the text (not parameters) so the planner matches the partial indexes.
 */
export function nearestSql(state: IvfState | null, key: string, dims: number, k: number): string {
  const d = Math.trunc(dims)
  const part = (gen: number | null): string =>
    `SELECT hash, embedding::vector(${d}) <=> $1::vector(${d}) AS d FROM embeddings
     WHERE embedder = ${sqlText(key)}${gen === null ? '' : ` AND ivf_gen = ${gen}`} ORDER BY d LIMIT ${Math.trunc(k)}`
  const gens = state?.key === key ? state.live.map((g) => g.gen) : []
  // No index: every row is scanned, whatever generation an earlier life left it in.
  if (gens.length === 0) return part(null)
  const parts = [...gens, 0].map((g) => `(${part(g)})`)
  return `SELECT hash, d FROM (${parts.join(' UNION ALL ')}) u ORDER BY d LIMIT ${Math.trunc(k)}`
}
