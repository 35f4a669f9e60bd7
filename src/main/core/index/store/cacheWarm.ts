import type { PGlite } from '@electric-sql/pglite'

type Queryable = Pick<PGlite, 'query'>

/**
 * Pages read per statement. A warm-up runs between the store's own queries (startWarming): a
 * search that arrives meanwhile waits for one slice at most (≈2 MB read).
 */
const SLICE_PAGES = 256
/**
 * The share of the buffer cache a warm-up may fill: the rest is left to the table pages searches
 * read (chunk rows, vectors), so warming never evicts what it read itself.
 */
const CACHE_SHARE = 0.75

/** Index kinds in the order a first search pays for them: vector indexes, then full text, then the rest. */
const AM_ORDER = `CASE am.amname WHEN 'hnsw' THEN 0 WHEN 'ivfflat' THEN 0 WHEN 'gin' THEN 1 ELSE 2 END`

/**
 * Reads the pages of `relations` (the ones searches read: PgCache.fit's hot set) into Postgres'
 * buffer cache, up to CACHE_SHARE of `cacheKb`. A search right after Postgres started found none
 * of them there: a vector query walks pages spread over the whole vector index, the full-text one
 * the posting lists of its words, and each page missed is a read through PGlite's file system.
 * That made a question asked for the first time about twice as slow as the same one asked again.
 * pgvector's IVFFlat scan reads its lists through a small ring of buffers (a bulk-read strategy),
 * so the pages a vector query reads never stay cached: without a warm-up every ask, not only the
 * first, read its lists (≈4,000 pages at 90k chunks) through the file system again.
 * PGlite has no pg_prewarm: pageinspect's get_raw_page reads a page through the buffer manager,
 * which leaves it in the cache.
 *
 * The pages go into the cache Postgres already allocated at start (PgCache sized it to hold the
 * hot set), so the cost is the time of the reads. Vector indexes go first (a vector query reads
 * the most distinct pages), then full-text ones, then the rest in the given order. Best effort: a
 * failure (pageinspect cannot be created on a full disk, a relation just dropped) ends the
 * warm-up, never the caller's work.
 */
export async function warmCache(
  db: Queryable,
  relations: string[],
  cacheKb: number,
  stopped: () => boolean = () => false,
): Promise<{ pages: number; ms: number }> {
  const t0 = performance.now()
  let pages = 0
  try {
    if (relations.length === 0) return { pages, ms: 0 }
    await db.query('CREATE EXTENSION IF NOT EXISTS pageinspect')
    const r = await db.query<{ name: string; pages: number }>(
      `SELECT c.relname AS name, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
       FROM pg_class c JOIN pg_am am ON am.oid = c.relam
       WHERE c.relname = ANY($1::text[]) AND c.relnamespace = 'public'::regnamespace
       ORDER BY ${AM_ORDER}, array_position($1::text[], c.relname::text)`,
      [relations],
    )
    const blockKb = 8
    let left = Math.floor((cacheKb * CACHE_SHARE) / blockKb)
    for (const rel of r.rows) {
      const n = Math.min(rel.pages, left)
      for (let from = 0; from < n; from += SLICE_PAGES) {
        // Back to the event loop: a request that arrived meanwhile queues its query first.
        await new Promise((resolve) => setImmediate(resolve))
        if (stopped()) return { pages: pages + from, ms: Math.round(performance.now() - t0) }
        await db.query(
          `SELECT count(get_raw_page($1::text, b::int))::int AS n FROM generate_series($2::int, $3::int) b`,
          [rel.name, from, Math.min(n, from + SLICE_PAGES) - 1],
        )
      }
      pages += n
      left -= n
      if (left <= 0) break
    }
  } catch {
    // Best effort (see above): what was read stays read.
  }
  return { pages, ms: Math.round(performance.now() - t0) }
}

/** Warm-ups in progress, by database handle: stopped before that handle is closed. */
const running = new WeakMap<object, { stop: boolean; done: Promise<unknown> }>()

/**
 * Starts warmCache in the background and returns its result's promise (never rejects). Its
 * slices queue behind the queries the store's requests make (PGlite runs one at a time, a
 * transaction whole), so the worker keeps answering: at 90k chunks the warm-up reads ≈300 MB,
 * seconds of reads that would otherwise hold the request that started it. Stop it before
 * closing `db` (stopWarming).
 */
export function startWarming(
  db: Queryable,
  relations: string[],
  cacheKb: number,
): Promise<{ pages: number; ms: number }> {
  const run = { stop: false, done: Promise.resolve() as Promise<unknown> }
  const done = warmCache(db, relations, cacheKb, () => run.stop)
  run.done = done
  running.set(db, run)
  void done.finally(() => {
    if (running.get(db) === run) running.delete(db)
  })
  return done
}

/** Stops a warm-up of `db` in progress (after its current slice); what it read stays read. */
export async function stopWarming(db: Queryable): Promise<void> {
  const run = running.get(db)
  if (!run) return
  run.stop = true
  await run.done
}
