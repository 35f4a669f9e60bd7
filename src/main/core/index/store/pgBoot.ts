import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { amcheck } from '@electric-sql/pglite/contrib/amcheck'
import { pageinspect } from '@electric-sql/pglite/contrib/pageinspect'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { vector } from '@electric-sql/pglite-pgvector'
import { CACHE_SIZING } from './cacheSizing'
import {
  dropTemplate,
  finishMaking,
  isNewDataDir,
  readTemplate,
  readTemplateBytes,
  saveTemplate,
  startMaking,
  templateFile,
} from './pgTemplate'
import { unpackTemplate } from './templateUnpack'

/**
 * How Postgres is started on an index's directory (pgInstance.ts runs it): its settings, and a
 * new database made from a template (pgTemplate.ts) or by initdb.
 */

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

/**
 * Starts Postgres on the directory with an index's settings (closes it again on failure).
 * `cacheKb` overrides the saved shared_buffers (a command-line setting wins over the config);
 * with none saved (PgCache.fit saves one), the cache is `defaultKb`, not Postgres' 128 MB default:
 * a PGlite instance touches its whole buffer pool as it starts, so that default alone was ≈120 MB
 * of resident memory per database, whatever the index's size.
 * A directory with no database yet is filled from the template (pgTemplate.ts) when there is one:
 * with `schema`, the template of a database at that schema (made, and kept, when there is none).
 * `checks`: with amcheck loaded, for the full check after an unclean close (integrity.ts).
 */
export async function startPg(
  pgDir: string | null,
  cacheKb?: number,
  checks = false,
  defaultKb = CACHE_SIZING.minKb,
  schema?: Schema,
): Promise<PGlite> {
  const kb = cacheKb ?? (savedCacheSize(pgDir) ? undefined : defaultKb)
  return isNewDataDir(pgDir) ? createPg(pgDir, kb, schema) : bootPg(pgDir, kb, undefined, checks)
}

/**
 * What a new database of one kind holds beyond the empty cluster (its tables, at the current
 * schema version). Made once per machine and kept as a template of its own (`key` names it), so
 * a new index starts with its schema instead of running every migration: the migrations were
 * ≈40 statements (tables, GIN indexes, ALTERs), most of a small project's time to searchable.
 */
export interface Schema {
  key: string
  make: (pg: PGlite) => Promise<void>
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
async function createPg(pgDir: string | null, cacheKb?: number, schema?: Schema): Promise<PGlite> {
  if (!pgDir) return makePg(pgDir, cacheKb, schema)
  startMaking(pgDir)
  const pg = await makePg(pgDir, cacheKb, schema)
  try {
    finishMaking(pgDir)
  } catch (err) {
    await pg.close().catch(() => undefined)
    throw err
  }
  return pg
}

/**
 * Copied from the template when there is a good one. Else, with a schema: the empty cluster
 * (from its own template, or initdb) given the schema, and that becomes the schema's template;
 * without: initdb, and the result becomes the empty cluster's template.
 */
async function makePg(pgDir: string | null, cacheKb?: number, schema?: Schema): Promise<PGlite> {
  const file = templateFile(schema?.key)
  const copy = await fromTemplate(pgDir, cacheKb, file)
  if (copy) return copy
  let pg: PGlite
  if (schema) {
    pg = await makePg(pgDir, cacheKb)
    try {
      await schema.make(pg)
    } catch (err) {
      await pg.close().catch(() => undefined)
      throw err
    }
  } else {
    pg = await bootPg(pgDir, cacheKb)
    await trimNewCluster(pg)
  }
  await saveTemplate(pg, file)
  return pg
}

/**
 * Postgres started on a copy of the template `file` (null: there is none). On disk the copy is
 * unpacked natively first (templateUnpack.ts); in memory PGlite loads it.
 */
async function bootCopy(
  pgDir: string | null,
  cacheKb: number | undefined,
  file: string | null,
): Promise<PGlite | null> {
  if (!pgDir) {
    const blob = await readTemplate(file)
    return blob ? bootPg(pgDir, cacheKb, blob) : null
  }
  const bytes = readTemplateBytes(file)
  if (!bytes) return null
  unpackTemplate(bytes, pgDir)
  return bootPg(pgDir, cacheKb)
}

/** A database started from the template `file`, or null when there is none or it is no good. */
async function fromTemplate(
  pgDir: string | null,
  cacheKb: number | undefined,
  file: string | null,
): Promise<PGlite | null> {
  try {
    const pg = await bootCopy(pgDir, cacheKb, file)
    if (!pg) return null
    if (await extensionsCurrent(pg)) return pg
    await pg.close()
  } catch {
    // A truncated or foreign template: forgotten below, and the caller makes it again.
  }
  dropTemplate(file)
  if (pgDir) rmSync(pgDir, { recursive: true, force: true })
  return null
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
  const r = await pg.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_available_extensions
     WHERE name IN ('vector', 'pg_trgm') AND installed_version IS DISTINCT FROM default_version`,
  )
  return r.rows[0]?.n === 0
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
