import type { PGlite } from '@electric-sql/pglite'
import { type Schema, startPg } from './pgBoot'
import { startWarming, stopWarming } from './cacheWarm'
import { checkOnOpen, clearShutdown, type DirHealth, readShutdown, recordShutdown } from './integrity'
import { openOrSetAside, removeDiscarded } from './setAside'
import type { CacheSizing } from './cacheSizing'
import { migrate, schemaKey } from './migrations'

export { CACHE_SIZING, type CacheSizing } from './cacheSizing'
export { type Schema, startPg } from './pgBoot'

/**
 * How an index's database (IndexDb, with its vectors in VectorDb) is run: how its buffer cache
 * is sized, how it is opened (checked, migrated) and closed, and how a broken directory is set
 * aside. Starting Postgres itself is pgBoot.ts.
 */

type Queryable = Pick<PGlite, 'query'>

/**
 * Starts Postgres on `pgDir`; a cache size saved where there was more memory must not cost a
 * re-index: if the start fails, it starts with the default and forgets the saved size. A
 * directory that is really broken fails here too (the caller sets it aside).
 */
async function startSized(
  pgDir: string | null,
  sizing: CacheSizing,
  checks: boolean,
  schema: Schema,
): Promise<PGlite> {
  try {
    // One command: the smallest cache whatever size was saved (a setting given at start wins).
    return await startPg(pgDir, sizing.oneCommand ? sizing.minKb : undefined, checks, sizing.minKb, schema)
  } catch (err) {
    if (!pgDir) throw err
    const pg = await startPg(pgDir, sizing.minKb, checks)
    await pg.query('ALTER SYSTEM RESET shared_buffers')
    return pg
  }
}

/** WAL written since the last checkpoint that triggers the next one (the max_wal_size given above). */
const CHECKPOINT_WAL_BYTES = 64 * 1024 * 1024

/**
 * Checkpoints once 64 MB of WAL were written since the last one. Postgres' own trigger for that
 * (XLogWrite → RequestCheckpoint) only runs under a postmaster; in PGlite's single-user mode a
 * checkpoint happened only at a restart or close, so a first index kept ≈560 MB of WAL until then
 * (and a process killed meanwhile replayed all of it at the next open). Cheap to ask: one row from
 * the control file.
 */
export async function checkpointIfDue(db: Queryable): Promise<boolean> {
  const r = await db.query<{ n: number }>(
    'SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn)::float8 AS n FROM pg_control_checkpoint()',
  )
  if ((r.rows[0]?.n ?? 0) < CHECKPOINT_WAL_BYTES) return false
  await db.query('CHECKPOINT')
  return true
}

export async function count(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const r = await db.query<{ n: number }>(sql, params)
  return r.rows[0]?.n ?? 0
}

export async function getMeta(db: Queryable, key: string): Promise<string | null> {
  const r = await db.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key])
  return r.rows[0]?.value ?? null
}

/** Writes a `meta` entry (inside the caller's transaction). */
export async function setMeta(tx: Queryable, key: string, value: string): Promise<void> {
  await tx.query(
    'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
    [key, value],
  )
}

/**
 * Sizes Postgres' buffer cache to what searches read (the relations a database names as hot, and
 * a quarter of its tables). At the default 128 MB a quarter of a 90k-chunk index's search reads
 * missed the cache and went to the file system (docs/BENCHMARKS.md "## Index"). shared_buffers is
 * read at start only: the size is saved (ALTER SYSTEM, so the next start uses it) and, when the
 * cache should grow, Postgres is restarted now (≈1 s, between requests, never mid-operation: a
 * store worker runs one request at a time). Small indexes keep the default (16 MB) and never restart.
 */
export class PgCache {
  /** shared_buffers as running, in kB. */
  kb = 0
  /** The largest cache known to start here (set when a larger one failed to), in kB. */
  private capKb = Infinity
  /** Whether fit ran since open (an index saved before sizing existed gets its first fit). */
  fitted = false
  /** Whether the running Postgres had its cache warmed (warmCache): once per start. */
  private warmed: boolean
  /** What the last warm-up read, and how long it took (tests, benchmarks). */
  lastWarm: { pages: number; ms: number } | null = null
  /** The last warm-up started (it runs in the background), resolved with what it read. */
  warming: Promise<{ pages: number; ms: number }> | null = null

  /**
   * `made`: the database was made in this start of Postgres, so what searches read was written
   * through its cache (the cache is warm: no warm-up until a restart).
   */
  constructor(
    readonly pgDir: string | null,
    private readonly sizing: CacheSizing,
    made = false,
  ) {
    this.warmed = made
  }

  async measure(db: PGlite): Promise<void> {
    // pg_settings gives shared_buffers in 8 kB pages.
    this.kb = await count(db, `SELECT setting::int * 8 AS n FROM pg_settings WHERE name = 'shared_buffers'`)
  }

  /**
   * Returns the database to use from now on: `db` itself, or a restarted one with a larger cache.
   * `release`: restart anyway (after a step that grew the WASM heap, such as a vector index build with its
   * maintenance_work_mem: a WASM memory never shrinks, so that peak stayed resident for as long as
   * the index was open; a new instance starts small, and a smaller saved size applies at once).
   */
  async fit(db: PGlite, hot: string[], tables: string[], release = false): Promise<PGlite> {
    if (!this.pgDir) return db
    this.fitted = true
    const next = await this.resize(db, hot, tables, release)
    // Nobody searches after one command: neither a restart nor a warm-up pays for itself.
    if (this.sizing.oneCommand) return next
    if (next !== db) this.warmed = false
    // Once per start of Postgres: what searches read, read now rather than by the first questions.
    // In the background (between the store's queries): it takes seconds at 90k chunks.
    if (!this.warmed) {
      this.warmed = true
      this.warming = startWarming(next, hot, this.kb).then((w) => (this.lastWarm = w))
    }
    return next
  }

  /** fit's sizing: the database to use from now on (`db`, or a restarted one). */
  private async resize(db: PGlite, hot: string[], tables: string[], release: boolean): Promise<PGlite> {
    const r = await db.query<{ hot: string }>(
      `SELECT (SELECT coalesce(sum(pg_relation_size(oid)), 0) FROM pg_class
               WHERE relname = ANY($1::text[]) AND relnamespace = 'public'::regnamespace)
            + (SELECT coalesce(sum(pg_relation_size(oid)), 0) FROM pg_class
               WHERE relname = ANY($2::text[]) AND relnamespace = 'public'::regnamespace) / 4 AS hot`,
      [hot, tables],
    )
    const { minKb, maxKb, stepKb } = this.sizing
    const hotKb = Number(r.rows[0]?.hot ?? 0) / 1024
    // Up to minKb the smallest cache holds it all: a small index never restarts (steps of
    // stepKb above it; a first index of a small project restarted from 16 to 32 MB on its way to
    // its first answer).
    const steps = hotKb <= minKb ? minKb : Math.ceil(hotKb / stepKb) * stepKb
    const want = Math.trunc(Math.min(this.capKb, maxKb, Math.max(minKb, steps)))
    if (want === this.kb && !release) return db
    if (want !== this.kb) await db.query(`ALTER SYSTEM SET shared_buffers = '${want}kB'`)
    if ((want < this.kb && !release) || this.sizing.oneCommand) return db
    await stopWarming(db)
    await db.close()
    let next: PGlite
    try {
      next = await startPg(this.pgDir, undefined, false, this.sizing.minKb)
    } catch {
      // The larger cache did not start (not enough memory): back to the size that ran, now and
      // for the next start.
      next = await startPg(this.pgDir, this.kb)
      await next.query(`ALTER SYSTEM SET shared_buffers = '${this.kb}kB'`)
      this.capKb = this.kb
    }
    await this.measure(next)
    return next
  }
}

/** What opening a database found and did besides opening it. */
export interface OpenedDatabase<T> {
  db: T
  /** The directory could not be used and was set aside; a new database took its place. */
  rebuilt: { setAsideTo: string; reason: string } | null
  /** Indexes found damaged and rebuilt from their tables (integrity.ts). */
  reindexed: string[]
}

/**
 * Opens (creating if needed) a database: Postgres started with the saved cache size, checked for
 * damage (integrity.ts: damaged indexes are rebuilt), migrations applied, then `init` builds the
 * caller's object on it (and may run checks of its own: `health` says whether the last close was
 * clean). A directory that fails any of that, or whose tables are damaged, is set aside and
 * rebuilt once (openOrSetAside), unless its disk cannot take writes now; Postgres is closed again
 * on every failure.
 */
export async function openDatabase<T>(
  pgDir: string | null,
  sizing: CacheSizing,
  migrations: { version: number; statements: string[] }[],
  what: string,
  init: (pg: PGlite, version: number, cache: PgCache, health: DirHealth) => Promise<T>,
): Promise<OpenedDatabase<T>> {
  // Left by a `--force` of an earlier build (it discarded the whole directory), killed half way.
  if (pgDir) removeDiscarded(pgDir)
  // A new database starts at the current schema version, with the warm-up's page reader
  // (pageinspect: creating it on a new index's first warm-up held its first search ≈0.3 s).
  const schema: Schema = {
    key: schemaKey(what, migrations),
    make: async (pg) => {
      await migrate(pg, migrations, what)
      await pg.exec('CREATE EXTENSION IF NOT EXISTS pageinspect')
      // The migrations' dropped and altered objects leave dead catalog rows: compacted, as the
      // empty cluster's were (trimNewCluster), in every new index's directory. The catalogs
      // only: a VACUUM of the index's own tables, empty here, records them as vacuumed and empty
      // (no autovacuum ever corrects that in PGlite), and the planner then costed the first
      // pass's statements on tables it took for empty: a new 10k-file index took twice as long.
      // Never vacuumed, a table is costed by its real size.
      const catalogs = await pg.query<{ t: string }>(
        `SELECT oid::regclass::text AS t FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind = 'r'`,
      )
      for (const { t } of catalogs.rows) await pg.exec(`VACUUM FULL ${t}`)
    },
  }
  let reindexed: string[] = []
  const { db, rebuilt } = await openOrSetAside(pgDir, async (dir) => {
    const health = readShutdown(dir)
    const pg = await startSized(dir, sizing, health.state === 'unclean', schema)
    try {
      clearShutdown(dir)
      reindexed = await checkOnOpen(pg, health, dir)
      const version = await migrate(pg, migrations, what)
      // A database made in this start holds what it was written through this cache: no warm-up.
      return await init(pg, version, new PgCache(dir, sizing, health.state === 'new'), health)
    } catch (err) {
      await pg.close().catch(() => undefined)
      throw err
    }
  })
  return { db, rebuilt, reindexed }
}

/** Closes a database opened by openDatabase, and records that it was closed cleanly (integrity.ts). */
export async function closeDatabase(pg: PGlite, pgDir: string | null): Promise<void> {
  await stopWarming(pg)
  await pg.close()
  recordShutdown(pgDir)
}
