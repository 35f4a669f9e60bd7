import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pageinspect } from '@electric-sql/pglite/contrib/pageinspect'
import { pg_buffercache } from '@electric-sql/pglite/contrib/pg_buffercache'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWarming, warmCache } from '../../../src/main/core/index/store/cacheWarm'
import {
  PgCache,
  type CacheSizing,
  closeDatabase,
  startPg,
} from '../../../src/main/core/index/store/pgInstance'

/** Pages of `rel` in Postgres' buffer cache now. */
async function cached(pg: PGlite, rel: string): Promise<number> {
  const r = await pg.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_buffercache WHERE relfilenode = pg_relation_filenode($1::regclass)',
    [rel],
  )
  return r.rows[0]?.n ?? 0
}

const pages = async (pg: Pick<PGlite, 'query'>, rel: string): Promise<number> =>
  (await pg.query<{ n: number }>(`SELECT (pg_relation_size($1::regclass) / 8192)::int AS n`, [rel])).rows[0]
    ?.n ?? 0

describe("warming Postgres' buffer cache with what searches read (real PGlite)", () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-warm-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads the named relations into the cache, vector and full-text indexes first, within its share', async () => {
    const pgDir = join(dir, 'plain')
    let pg = await PGlite.create(pgDir, { extensions: { pageinspect, pg_buffercache } })
    await pg.exec(`CREATE EXTENSION pg_buffercache;
      CREATE TABLE docs (id int PRIMARY KEY, tsv tsvector);
      INSERT INTO docs SELECT g, to_tsvector('simple', 'word' || g || ' common text ' || (g % 97))
        FROM generate_series(1, 8000) g;
      CREATE INDEX docs_tsv ON docs USING gin (tsv);`)
    await pg.close()
    // A new start: nothing of the index is cached.
    pg = await PGlite.create(pgDir, { extensions: { pageinspect, pg_buffercache } })
    try {
      const gin = await pages(pg, 'docs_tsv')
      const pkey = await pages(pg, 'docs_pkey')
      expect(gin).toBeGreaterThan(10)
      expect(await cached(pg, 'docs_tsv')).toBeLessThan(gin / 2)

      // A cache too small for both: the GIN index (full text) goes first although named last, and
      // no more than the share is read.
      const share = Math.floor(((gin + 2) * 8) / 0.75)
      const some = await warmCache(pg, ['docs_pkey', 'docs_tsv', 'no_such_index'], share)
      expect(some.pages).toBeLessThanOrEqual(Math.floor((share * 0.75) / 8))
      expect(await cached(pg, 'docs_tsv')).toBe(gin)
      expect(await cached(pg, 'docs_pkey')).toBeLessThan(pkey)

      const all = await warmCache(pg, ['docs_pkey', 'docs_tsv'], 128 * 1024)
      expect(all.pages).toBe(gin + pkey)
      expect(await cached(pg, 'docs_pkey')).toBe(pkey)
    } finally {
      await pg.close()
    }
    // initdb (no template here: pg_buffercache is loaded) and two starts.
  }, 120_000)

  it('PgCache.fit warms once per start of Postgres, again after a restart', async () => {
    const sizing: CacheSizing = { minKb: 1024, maxKb: 8 * 1024, stepKb: 256 }
    const pgDir = join(dir, 'index')
    let pg = await startPg(pgDir, undefined, false, sizing.minKb)
    await pg.exec(`CREATE TABLE t (id int PRIMARY KEY, v text);
      INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 5000) g;`)
    const cache = new PgCache(pgDir, sizing)
    await cache.measure(pg)
    pg = await cache.fit(pg, ['t_pkey'], ['t'])
    // In the background: the store answers queries meanwhile.
    const started = cache.warming
    expect((await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]?.n).toBe(5000)
    const first = await started
    expect(first?.pages).toBe(await pages(pg, 't_pkey'))
    expect(cache.lastWarm).toBe(first)
    // Same Postgres: not again.
    pg = await cache.fit(pg, ['t_pkey'], ['t'])
    expect(cache.warming).toBe(started)
    // A restart (as after a vector index build) empties the cache: warmed again.
    pg = await cache.fit(pg, ['t_pkey'], ['t'], true)
    expect(cache.warming).not.toBe(started)
    expect((await cache.warming)?.pages).toBe(first?.pages)
    await closeDatabase(pg, pgDir)
  })

  it('a warm-up in progress is stopped before its database closes', async () => {
    const pgDir = join(dir, 'closing')
    const pg = await startPg(pgDir, undefined, false, 1024)
    await pg.exec(`CREATE TABLE t (id int PRIMARY KEY, v text);
      INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 100000) g;`)
    const total = await pages(pg, 't_pkey')
    const warming = startWarming(pg, ['t_pkey'], 64 * 1024)
    await closeDatabase(pg, pgDir)
    // Stopped part way (after its current slice), and resolved, not failed.
    expect((await warming).pages).toBeLessThan(total)
  })
})
