import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { amcheck } from '@electric-sql/pglite/contrib/amcheck'
import { pageinspect } from '@electric-sql/pglite/contrib/pageinspect'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { vector } from '@electric-sql/pglite-pgvector'
import {
  dropTemplate,
  finishMaking,
  isNewDataDir,
  readTemplate,
  saveTemplate,
  startMaking,
  templateFile,
} from './pgTemplate'
import { startWarming, stopWarming } from './cacheWarm'
import { checkOnOpen, clearShutdown, type DirHealth, readShutdown, recordShutdown } from './integrity'
import { openOrSetAside, removeDiscarded } from './setAside'

/**
 * How an index's database (IndexDb, with its vectors in VectorDb) is run: how Postgres is
 * started, how its buffer cache is sized, and how a broken directory is set aside.
 */

/**
 * Postgres' buffer cache sizing (see PgCache.fit), in kB: the size an index starts with, what a
 * very large index may take, and the step it grows by (each step up restarts Postgres once). A miss
 * in this cache is a read from the OS's file cache, not from the disk.
 */
export interface CacheSizing {
  minKb: number
  maxKb: number
  stepKb: number
}
export const CACHE_SIZING: CacheSizing = { minKb: 16 * 1024, maxKb: 512 * 1024, stepKb: 32 * 1024 }
/**
 * Checkpoint every 64 MB of WAL. wal_recycle=off: a checkpoint deletes the segments before it
 * instead of renaming them into future ones, so after one (at the latest the close's) the WAL on
 * disk is the current segment or two, not up to max_wal_size of recycled files kept for ever
 * (64 MB per database after a first index of 10k files). min_wal_size only bounds recycling.
 */
const WAL_LIMITS = ['max_wal_size=64MB', 'min_wal_size=32MB', 'wal_recycle=off']
/**
 * initdb's own options, for a database made from nothing (once per machine: it becomes the
 * template). 1 MB WAL segments instead of 16: the smallest WAL a database can keep is one segment
 * (plus one preallocated), which was 16–32 MB of every index's directory, most of a small
 * project's. wal_recycle=off already while initdb runs, so the template carries no preallocated
 * segments either. (Directories made with 16 MB segments keep them: the size is fixed at initdb.)
 */
const INITDB_PARAMS = ['--wal-segsize=1', '-c', 'wal_recycle=off']

type Queryable = Pick<PGlite, 'query'>

/**
 * Starts Postgres on the directory with an index's settings (closes it again on failure).
 * `cacheKb` overrides the saved shared_buffers (a command-line setting wins over the config);
 * with none saved (PgCache.fit saves one), the cache is `defaultKb`, not Postgres' 128 MB default:
 * a PGlite instance touches its whole buffer pool as it starts, so that default alone was ≈120 MB
 * of resident memory per database, whatever the index's size.
 * A directory with no database yet is filled from the template (pgTemplate.ts) when there is one.
 * `checks`: with amcheck loaded, for the full check after an unclean close (integrity.ts).
 */
export async function startPg(
  pgDir: string | null,
  cacheKb?: number,
  checks = false,
  defaultKb = CACHE_SIZING.minKb,
): Promise<PGlite> {
  const kb = cacheKb ?? (savedCacheSize(pgDir) ? undefined : defaultKb)
  return isNewDataDir(pgDir) ? createPg(pgDir, kb) : bootPg(pgDir, kb, undefined, checks)
}

/** Whether the directory's configuration holds a cache size PgCache.fit saved (ALTER SYSTEM). */
function savedCacheSize(pgDir: string | null): boolean {
  if (!pgDir) return false
  try {
    return /^\s*shared_buffers\s*=/m.test(readFileSync(join(pgDir, 'postgresql.auto.conf'), 'utf8'))
  } catch {
    return false
  }
}

/**
 * A database that does not exist yet, made under its making mark (pgTemplate.ts startMaking): a
 * process killed before it is whole leaves a directory the next open makes again, not one it
 * starts, fails on and sets aside as damaged.
 */
async function createPg(pgDir: string | null, cacheKb?: number): Promise<PGlite> {
  if (!pgDir) return makePg(pgDir, cacheKb)
  startMaking(pgDir)
  const pg = await makePg(pgDir, cacheKb)
  try {
    finishMaking(pgDir)
  } catch (err) {
    await pg.close().catch(() => undefined)
    throw err
  }
  return pg
}

/**
 * Copied from the template when there is a good one; else initdb, and the result becomes the
 * template (before any migration: it holds no schema of ours).
 */
async function makePg(pgDir: string | null, cacheKb?: number): Promise<PGlite> {
  const file = templateFile()
  const template = readTemplate(file)
  if (template) {
    try {
      const pg = await bootPg(pgDir, cacheKb, template)
      if (await extensionsCurrent(pg)) return pg
      await pg.close()
    } catch {
      // A truncated or foreign template: forgotten below, and initdb runs as if there were none.
    }
    dropTemplate(file)
    if (pgDir) rmSync(pgDir, { recursive: true, force: true })
  }
  const pg = await bootPg(pgDir, cacheKb)
  await trimNewCluster(pg)
  await saveTemplate(pg, file)
  return pg
}

/**
 * What a new cluster holds that an index never uses, dropped before it becomes the template:
 * template0 and template1 (two full copies of the catalog, ≈7.4 MB each: an index never runs
 * CREATE DATABASE), and the catalogs' free-space and visibility maps (VACUUM FULL rewrites them
 * compactly: ≈1.3 MB). A new database went from ≈39 MB in ≈970 files to ≈8 MB in ≈290.
 */
async function trimNewCluster(pg: PGlite): Promise<void> {
  await pg.exec(`UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`)
  await pg.exec('DROP DATABASE IF EXISTS template0')
  await pg.exec('DROP DATABASE IF EXISTS template1')
  await pg.exec('VACUUM FULL')
  await pg.exec('CHECKPOINT')
}

// A template made by another build could hold older extension objects than this build's libraries.
async function extensionsCurrent(pg: PGlite): Promise<boolean> {
  const stale = await count(
    pg,
    `SELECT count(*)::int AS n FROM pg_available_extensions
     WHERE name IN ('vector', 'pg_trgm') AND installed_version IS DISTINCT FROM default_version`,
  )
  return stale === 0
}

async function bootPg(
  pgDir: string | null,
  cacheKb?: number,
  loadDataDir?: Blob,
  checks = false,
): Promise<PGlite> {
  const pg = await PGlite.create(pgDir ?? 'memory://', {
    // pageinspect: its page reader is the buffer-cache warm-up (warmCache); created on first use.
    extensions: checks ? { vector, pg_trgm, pageinspect, amcheck } : { vector, pg_trgm, pageinspect },
    ...(loadDataDir ? { loadDataDir } : {}),
    initDbStartParams: INITDB_PARAMS,
    startParams: [
      ...PGlite.defaultStartParams,
      // The WAL limits go on the command line: PGlite runs Postgres single-user, where ALTER
      // SYSTEM + pg_reload_conf() changes nothing until the next start. Set that way, a new
      // index ran its first (largest) pass at the 1 GB default and kept ~880 MB of recycled
      // segments beside 667 MB of data. The index is rebuildable: keep the WAL small.
      ...WAL_LIMITS.flatMap((s) => ['-c', s]),
      ...(cacheKb ? ['-c', `shared_buffers=${Math.trunc(cacheKb)}kB`] : []),
    ],
  })
  try {
    await pg.exec('CREATE EXTENSION IF NOT EXISTS vector')
    await pg.exec('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    // GIN's pending list absorbs inserts and merges in bulk: a larger one merges less often.
    await pg.query(`SET gin_pending_list_limit = '16MB'`)
    return pg
  } catch (err) {
    await pg.close().catch(() => undefined)
    throw err
  }
}

/**
 * Starts Postgres on `pgDir`; a cache size saved where there was more memory must not cost a
 * re-index: if the start fails, it starts with the default and forgets the saved size. A
 * directory that is really broken fails here too (the caller sets it aside).
 */
async function startSized(pgDir: string | null, sizing: CacheSizing, checks: boolean): Promise<PGlite> {
  try {
    return await startPg(pgDir, undefined, checks, sizing.minKb)
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
  private warmed = false
  /** What the last warm-up read, and how long it took (tests, benchmarks). */
  lastWarm: { pages: number; ms: number } | null = null
  /** The last warm-up started (it runs in the background), resolved with what it read. */
  warming: Promise<{ pages: number; ms: number }> | null = null

  constructor(
    readonly pgDir: string | null,
    private readonly sizing: CacheSizing,
  ) {}

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
    const want = Math.trunc(Math.min(this.capKb, maxKb, Math.max(minKb, Math.ceil(hotKb / stepKb) * stepKb)))
    if (want === this.kb && !release) return db
    if (want !== this.kb) await db.query(`ALTER SYSTEM SET shared_buffers = '${want}kB'`)
    if (want < this.kb && !release) return db
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
  let reindexed: string[] = []
  const { db, rebuilt } = await openOrSetAside(pgDir, async (dir) => {
    const health = readShutdown(dir)
    const pg = await startSized(dir, sizing, health.state === 'unclean')
    try {
      clearShutdown(dir)
      reindexed = await checkOnOpen(pg, health, dir)
      return await init(pg, await migrate(pg, migrations, what), new PgCache(dir, sizing), health)
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

/** Applies the versioned migrations not yet applied; returns the schema version. */
async function migrate(
  pg: PGlite,
  migrations: { version: number; statements: string[] }[],
  what: string,
): Promise<number> {
  await pg.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  )
  const done = await pg.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')
  let version = done.rows[0]?.v ?? 0
  const latest = migrations[migrations.length - 1]?.version ?? 0
  if (version > latest)
    throw new Error(`${what} schema version ${version} is newer than this build (${latest})`)
  for (const m of migrations) {
    if (m.version <= version) continue
    await pg.transaction(async (tx) => {
      for (const s of m.statements) await tx.query(s)
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version])
    })
    version = m.version
  }
  return version
}
