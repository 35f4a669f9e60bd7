import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { isNewDataDir } from './pgTemplate'
import { damageOf, describeError, StoreDamage, writeFailureOf } from './storeErrors'

/**
 * Finding damage inside a database's files, and mending it. Postgres trusts its files: a relation
 * file cut short reads as a shorter table (rows silently gone) or fails every query that reaches
 * past its end (a GIN index: every search). Nothing in Postgres looks for that, so the store does:
 *
 * - cheaply at every open: a clean close records the size of every relation file
 *   (`hearth-closed.json` in the data directory); a file smaller at the next open was damaged in
 *   between. The marker is removed as soon as Postgres has started, so its absence means the last
 *   session did not close cleanly (killed, crashed, power lost).
 * - fully after an unclean close: amcheck reads every B-tree and GIN index, verify_heapam every
 *   table's pages (a second or so for a small index, more for a large one; only then).
 *
 * A damaged index is rebuilt from its table (REINDEX); a damaged table cannot be trusted to
 * rebuild anything, so the database is rebuilt from nothing (StoreDamage: the caller sets the
 * directory aside and the next scan indexes every file again).
 */

const MARKER = 'hearth-closed.json'
/** Left by a session that found a table damaged and could not start it anew itself (markDamaged). */
const DAMAGED = 'hearth-damaged'

export type ShutdownState = 'new' | 'clean' | 'unclean' | 'damaged'

export interface DirHealth {
  state: ShutdownState
  /** Relation files (base/5/16912) smaller than at the last clean close. */
  shrunk: string[]
}

interface Marker {
  v: 1
  sizes: Record<string, number>
}

type Db = Pick<PGlite, 'query' | 'exec'>

/** How the directory was last closed, and which relation files shrank since (before Postgres starts). */
export function readShutdown(pgDir: string | null): DirHealth {
  if (pgDir === null || isNewDataDir(pgDir)) return { state: 'new', shrunk: [] }
  if (existsSync(join(pgDir, DAMAGED))) return { state: 'damaged', shrunk: [] }
  let marker: Marker
  try {
    marker = JSON.parse(readFileSync(join(pgDir, MARKER), 'utf8')) as Marker
    if (marker.v !== 1 || typeof marker.sizes !== 'object' || marker.sizes === null)
      throw new Error('bad marker')
  } catch {
    return { state: 'unclean', shrunk: [] }
  }
  const shrunk = new Set<string>()
  for (const [file, size] of Object.entries(marker.sizes)) {
    let now = -1
    try {
      now = statSync(join(pgDir, file)).size
    } catch {
      // Missing: shrunk to nothing.
    }
    if (now < size) shrunk.add(file.replace(/\.\d+$/, ''))
  }
  return { state: 'clean', shrunk: [...shrunk] }
}

/** From here on the directory is in use: a session that ends without recordShutdown is unclean. */
export function clearShutdown(pgDir: string | null): void {
  if (pgDir) rmSync(join(pgDir, MARKER), { force: true })
}

/**
 * After a clean close: the size of every relation file (main fork, each 1 GB segment). Best
 * effort: a marker that cannot be written (full disk) only costs a full check at the next open.
 */
export function recordShutdown(pgDir: string | null): void {
  if (!pgDir || checkPending.delete(pgDir)) return
  const sizes: Record<string, number> = {}
  const add = (sub: string): void => {
    for (const n of readdirSync(join(pgDir, sub)))
      if (/^\d+(\.\d+)?$/.test(n)) sizes[`${sub}/${n}`] = statSync(join(pgDir, sub, n)).size
  }
  const tmp = join(pgDir, `${MARKER}.tmp`)
  try {
    add('global')
    for (const db of readdirSync(join(pgDir, 'base'))) add(`base/${db}`)
    writeFileSync(tmp, JSON.stringify({ v: 1, sizes } satisfies Marker))
    renameSync(tmp, join(pgDir, MARKER))
  } catch {
    rmSync(tmp, { force: true })
  }
}

/** A table found damaged while in use: the next open rebuilds the database (readShutdown). */
export function markDamaged(pgDir: string | null): void {
  if (!pgDir) return
  try {
    writeFileSync(join(pgDir, DAMAGED), '')
  } catch {
    // Cannot write: the session's own close leaves no clean marker either, so the next open
    // checks everything.
  }
}

interface Relation {
  /** Qualified and quoted, ready for SQL (regclass text). */
  name: string
  kind: 'index' | 'table'
  /** A system catalog's: nothing of ours can rebuild it. */
  catalog: boolean
}

const RELATION_SQL = `SELECT c.oid::regclass::text AS name, c.relkind::text AS kind, n.nspname AS ns
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace`

const toRelation = (r: { name: string; kind: string; ns: string }): Relation => ({
  name: r.name,
  kind: r.kind === 'i' ? 'index' : 'table',
  catalog: r.ns !== 'public' && r.ns !== 'pg_toast',
})

/** The relations stored in these files (files of relations dropped since are no one's). */
async function relationsAt(db: Db, files: string[]): Promise<Relation[]> {
  const r = await db.query<{ name: string; kind: string; ns: string }>(
    `${RELATION_SQL} WHERE pg_relation_filepath(c.oid) = ANY($1::text[])`,
    [files],
  )
  return r.rows.map(toRelation)
}

/** The relation a damage report names, by its file or its name. */
export async function relationOf(db: Db, file: string | null, name: string | null): Promise<Relation | null> {
  if (file) return (await relationsAt(db, [file]))[0] ?? null
  if (!name) return null
  const r = await db.query<{ name: string; kind: string; ns: string }>(
    `${RELATION_SQL} WHERE c.oid = to_regclass($1)`,
    [name],
  )
  const row = r.rows[0]
  return row ? toRelation(row) : null
}

/**
 * Reads every B-tree and GIN index and every table page of ours with amcheck (loaded into this
 * Postgres for the check: startPg's `checks`). Returns what failed its check.
 */
async function fullCheck(db: Db): Promise<Relation[]> {
  await db.exec('CREATE EXTENSION IF NOT EXISTS amcheck')
  const damaged: Relation[] = []
  try {
    const rels = await db.query<{ name: string; kind: string; ns: string; am: string | null }>(
      `SELECT c.oid::regclass::text AS name, c.relkind::text AS kind, n.nspname AS ns, a.amname AS am
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_am a ON a.oid = c.relam
       WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 't', 'i') AND c.relpersistence = 'p'
         AND (c.relkind <> 'i' OR a.amname IN ('btree', 'gin'))`,
    )
    for (const row of rels.rows) {
      const sql =
        row.kind !== 'i'
          ? `SELECT count(*)::int AS n FROM verify_heapam($1::regclass, on_error_stop => true)`
          : row.am === 'gin'
            ? 'SELECT gin_index_check($1::regclass)'
            : 'SELECT bt_index_check($1::regclass)'
      try {
        const r = await db.query<{ n?: number }>(sql, [row.name])
        if ((r.rows[0]?.n ?? 0) > 0) damaged.push(toRelation(row))
      } catch (err) {
        if (writeFailureOf(err)) throw err
        // amcheck reports damage as XX001/XX002; anything else means the check could not run.
        if (damageOf(err)) damaged.push(toRelation(row))
      }
    }
  } finally {
    // The catalog stays as the template made it; the check loads the extension again when needed.
    await db.exec('DROP EXTENSION IF EXISTS amcheck')
  }
  return damaged
}

/**
 * Directories whose full check could not run (it writes to the catalog, and the disk was full):
 * their close records no clean shutdown, so the next open checks again.
 */
const checkPending = new Set<string>()

/**
 * The full check, unless the disk cannot take the catalog rows amcheck needs: then the index is
 * opened unchecked (searching it beats having none) and checked at the next open.
 */
async function fullCheckIfWritable(db: Db, pgDir: string | null): Promise<Relation[]> {
  try {
    return await fullCheck(db)
  } catch (err) {
    if (!writeFailureOf(err)) throw err
    if (pgDir) checkPending.add(pgDir)
    return []
  }
}

/**
 * Mends what it can: indexes are rebuilt from their tables. A damaged table (or anything of the
 * system catalog) cannot be mended here: StoreDamage, and the caller rebuilds the database.
 * Returns the indexes rebuilt.
 */
export async function repair(db: Db, damaged: Relation[], why: string): Promise<string[]> {
  const lost = damaged.filter((r) => r.kind === 'table' || r.catalog)
  if (lost.length > 0)
    throw new StoreDamage(`damaged: ${lost.map((r) => r.name).join(', ')} (${why}); rebuilt from the files`)
  const names = [...new Set(damaged.map((r) => r.name))]
  for (const name of names) await db.exec(`REINDEX INDEX ${name}`)
  return names
}

/**
 * The checks at open (see the top of this file): relation files that shrank since a clean close,
 * and after an unclean one, every index and table. Returns the indexes rebuilt.
 */
export async function checkOnOpen(db: Db, health: DirHealth, pgDir: string | null): Promise<string[]> {
  if (health.state === 'damaged') throw new StoreDamage('damaged: found so in the last session; rebuilt')
  const damaged: Relation[] = []
  if (health.shrunk.length > 0) damaged.push(...(await relationsAt(db, health.shrunk)))
  const shrunk = damaged.length > 0
  if (health.state === 'unclean') damaged.push(...(await fullCheckIfWritable(db, pgDir)))
  if (damaged.length === 0) return []
  return repair(db, damaged, shrunk ? 'files cut short since the last close' : 'failed its check')
}

/**
 * After a query failed with damage (damageOf): rebuilds the index it names and returns true (the
 * query can be tried again); throws StoreDamage when a table is damaged or the damage cannot be
 * placed. Rethrows `err` when it is not damage.
 */
export async function repairAfter(db: Db, err: unknown): Promise<true> {
  const damage = damageOf(err)
  if (!damage) throw err
  const rel = await relationOf(db, damage.file, damage.relation)
  if (!rel) throw new StoreDamage(`damaged: ${describeError(err)}; rebuilt from the files`)
  await repair(db, [rel], damage.message)
  return true
}
