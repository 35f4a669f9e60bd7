import { existsSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processQuery } from '../../../src/main/core/index/query'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { IndexStore } from '../../../src/main/core/index/store/indexStore'
import { readShutdown } from '../../../src/main/core/index/store/integrity'
import { MIGRATIONS, schemaKey } from '../../../src/main/core/index/store/migrations'
import {
  type CacheSizing,
  closeDatabase,
  openDatabase,
  PgCache,
  startPg,
} from '../../../src/main/core/index/store/pgInstance'
import { templateFile } from '../../../src/main/core/index/store/pgTemplate'
import { rawPg } from './rawPg'

/**
 * What a new index does on its way to its first searchable answer (real PGlite, real workers):
 * it starts from a template already at the current schema, its database opens while the first
 * files are read, and a small one is neither restarted nor warmed. Templates are recognised by a
 * marker table the test slips into them: a fact about the data, not a timing.
 */
describe('a new index starts quickly and keeps its guarantees', () => {
  let dir: string
  let schemaFile: string
  const saved = process.env.HEARTH_CACHE_DIR

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-newstart-'))
    process.env.HEARTH_CACHE_DIR = join(dir, 'cache')
    schemaFile = templateFile(schemaKey('index', MIGRATIONS)) ?? ''
  })
  afterAll(async () => {
    if (saved === undefined) delete process.env.HEARTH_CACHE_DIR
    else process.env.HEARTH_CACHE_DIR = saved
    await rm(dir, { recursive: true, force: true })
  })

  const hasMarker = async (db: IndexDb): Promise<boolean> => {
    const r = await rawPg(db).query<{ t: string | null }>(`SELECT to_regclass('template_marker')::text AS t`)
    return r.rows[0]?.t === 'template_marker'
  }

  it('starts from a template at the current schema version, made once, and only for that migration list', async () => {
    expect(schemaFile).toMatch(/-index-v\d+-[0-9a-f]{12}-m\d+\.tar$/)
    expect(existsSync(schemaFile)).toBe(false)
    // The first index on the machine makes it (from the empty cluster's template, itself made here).
    const first = await IndexDb.open(join(dir, 'first'))
    expect(first.result.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1]?.version)
    expect(statSync(schemaFile).size).toBeGreaterThan(1_000_000)
    // Slipped into the schema's template: every later new index has it, with no migration run.
    await rawPg(first.db).exec('CREATE TABLE template_marker (x int); CHECKPOINT')
    const tar = await rawPg(first.db).dumpDataDir('none')
    await first.db.close()
    writeFileSync(schemaFile, new Uint8Array(await tar.arrayBuffer()))

    const root = join(dir, 'ws')
    await mkdir(root, { recursive: true })
    await writeFile(join(root, 'a.ts'), 'export function parseManifest(text: string) { return text }\n')
    const { db, result } = await IndexDb.open(join(dir, 'second'))
    try {
      expect(await hasMarker(db)).toBe(true)
      // Its own tables were never vacuumed, so the planner costs them by their real size: a
      // VACUUM while they were empty recorded them as empty, and a 10k-file first pass took twice
      // as long.
      const vacuumed = await rawPg(db).query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_class
         WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND reltuples >= 0`,
      )
      expect(vacuumed.rows[0]?.n).toBe(0)
      expect(result).toMatchObject({ rebuilt: null, stats: { files: 0, chunks: 0 } })
      const st = await stat(join(root, 'a.ts'))
      await db.indexFiles(root, [{ path: 'a.ts', size: st.size, mtimeMs: st.mtimeMs }])
      await db.refreshTermStats()
      const hits = await db.searchFts({ terms: processQuery('parseManifest').terms, limit: 5 })
      expect(hits.map((h) => h.path)).toEqual(['a.ts'])
    } finally {
      await db.close()
    }

    // Another migration list (an older build's) has a template of its own: not this one.
    const older = await openDatabase(
      join(dir, 'older', 'pg'),
      { minKb: 1024, maxKb: 1024, stepKb: 1024 },
      MIGRATIONS.slice(0, 7),
      'index',
      async (pg, version) => {
        const r = await pg.query<{ t: string | null }>(`SELECT to_regclass('template_marker')::text AS t`)
        return { pg, version, marker: r.rows[0]?.t }
      },
    )
    expect(older.db).toMatchObject({ version: 7, marker: null })
    await closeDatabase(older.db.pg, join(dir, 'older', 'pg'))
  }, 180_000)

  it('a damaged schema template is dropped and made again; the index opens whole', async () => {
    truncateSync(schemaFile, 3_000_000)
    const { db, result } = await IndexDb.open(join(dir, 'after-truncated'))
    try {
      expect(await hasMarker(db)).toBe(false)
      expect(result.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1]?.version)
      expect(await db.verify()).toMatchObject({ badFiles: [], orphanChunks: 0 })
    } finally {
      await db.close()
    }
    expect(statSync(schemaFile).size).toBeGreaterThan(3_000_000)
  }, 120_000)

  it('a small index keeps the smallest cache (no restart of Postgres), and a database made in this start is not warmed', async () => {
    const sizing: CacheSizing = { minKb: 2048, maxKb: 8192, stepKb: 512 }
    const pgDir = join(dir, 'cache-small')
    let pg = await startPg(pgDir, undefined, false, sizing.minKb)
    await pg.exec(`CREATE TABLE t (id int PRIMARY KEY, v text);
      INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 2000) g;`)
    const made = new PgCache(pgDir, sizing, true)
    await made.measure(pg)
    const same = await made.fit(pg, ['t_pkey'], ['t'])
    expect(same).toBe(pg)
    expect(made.kb).toBe(sizing.minKb)
    expect(made.warming).toBeNull()

    // Opened again later (not made in that start): warmed, still not restarted.
    const reopened = new PgCache(pgDir, sizing)
    await reopened.measure(pg)
    expect(await reopened.fit(pg, ['t_pkey'], ['t'])).toBe(pg)
    expect((await reopened.warming)?.pages).toBeGreaterThan(0)

    // Past the smallest size it grows, restarting Postgres (and warms the new one).
    await pg.exec(`INSERT INTO t SELECT g, md5(g::text) FROM generate_series(2001, 120000) g`)
    pg = await made.fit(pg, ['t_pkey'], ['t'])
    expect(made.kb).toBeGreaterThan(sizing.minKb)
    expect(made.warming).not.toBeNull()
    await made.warming
    await closeDatabase(pg, pgDir)
  }, 120_000)

  it('a new index opens in the background: its (empty) file list is answered at once, writes wait for the database', async () => {
    const root = join(dir, 'ws2')
    await mkdir(root, { recursive: true })
    await writeFile(join(root, 'b.ts'), 'export const retryBudget = 3\n')
    const st = await stat(join(root, 'b.ts'))
    const store = await IndexStore.open(join(dir, 'bg'))
    try {
      expect(store.opened).toMatchObject({ rebuilt: null, stats: { files: 0, chunks: 0, embedder: null } })
      expect(store.opened.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1]?.version)
      const order: string[] = []
      const stats = store.call('stats', {}).then((s) => order.push('stats') && s)
      const files = store.call('fileStates', {}).then((f) => order.push('files') && f)
      expect(await files).toEqual([])
      await stats
      // The file list did not wait for the database; stats did.
      expect(order).toEqual(['files', 'stats'])
      const packed = await store.call('prepareFiles', {
        root,
        files: [{ path: 'b.ts', size: st.size, mtimeMs: st.mtimeMs }],
      })
      const r = await store.call('writePrepared', packed)
      expect(r.indexed).toBe(1)
      expect((await store.call('fileStates', {})).map((f) => f.path)).toEqual(['b.ts'])
    } finally {
      await store.close()
    }
    // Reopened: what was written is there, and the close was clean.
    const again = await IndexStore.open(join(dir, 'bg'))
    try {
      expect(again.opened.stats.files).toBe(1)
      expect(again.opened.rebuilt).toBeNull()
    } finally {
      await again.close()
    }
  }, 120_000)

  it('a new index closed while it is still opening is closed cleanly, and opens again', async () => {
    const dataDir = join(dir, 'closed-early')
    const store = await IndexStore.open(dataDir)
    await store.close()
    expect(readShutdown(join(dataDir, 'pg')).state).toBe('clean')
    const again = await IndexStore.open(dataDir)
    try {
      expect(again.opened).toMatchObject({ rebuilt: null, stats: { files: 0 } })
      expect(again.opened.reindexed).toBeUndefined()
    } finally {
      await again.close()
    }
  }, 120_000)
})
