import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readdirSync, statSync } from 'node:fs'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { checkpointIfDue, startPg } from '../../../src/main/core/index/store/pgInstance'
import { rawPg } from './rawPg'

/** Postgres' own view of a setting, read from the running store. */
async function setting(db: IndexDb, name: string): Promise<string> {
  const r = await rawPg(db).query<Record<string, string>>(`SHOW ${name}`)
  return Object.values(r.rows[0] ?? {})[0] ?? ''
}

describe('the index keeps its WAL small from the first session on (real PGlite on disk)', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hearth-wal-db-'))
  })
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  // The first session of a new index is its largest pass. PGlite runs Postgres single-user, where
  // ALTER SYSTEM + pg_reload_conf() waits for the next start: that pass used to run at the 1 GB
  // default and left ~880 MB of recycled WAL segments beside a 667 MB index.
  it('runs a new data directory with the limits at once, and again after reopening', async () => {
    let { db } = await IndexDb.open(dataDir)
    expect(await setting(db, 'max_wal_size')).toBe('64MB')
    expect(await setting(db, 'min_wal_size')).toBe('32MB')
    await db.close()
    ;({ db } = await IndexDb.open(dataDir))
    expect(await setting(db, 'max_wal_size')).toBe('64MB')
    await db.close()
  }, 120_000)

  // Single-user Postgres never checkpoints on its own (only under a postmaster does WAL volume
  // request one), so without this the WAL of a first index grew to ≈560 MB until the next close.
  it('checkpoints once 64 MB of WAL were written, and the segments before it go', async () => {
    const dir = join(dataDir, 'raw')
    const pg = await startPg(dir)
    try {
      const walMb = (): number =>
        readdirSync(join(dir, 'pg_wal'))
          .filter((f) => /^[0-9A-F]{24}$/.test(f))
          .reduce((n, f) => n + statSync(join(dir, 'pg_wal', f)).size, 0) /
        2 ** 20
      await pg.exec('CREATE TABLE t (x text)')
      expect(await checkpointIfDue(pg)).toBe(false)
      // ≈150 MB of WAL: uncompressible rows, in one statement.
      await pg.exec(
        `INSERT INTO t SELECT string_agg(md5(i::text || '-' || j::text), '') FROM generate_series(1, 130000) i, generate_series(1, 30) j GROUP BY i`,
      )
      expect(walMb()).toBeGreaterThan(100)
      expect(await checkpointIfDue(pg)).toBe(true)
      expect(await checkpointIfDue(pg)).toBe(false)
      // What is left: the segment the checkpoint started in and the current one (1 MB each; with
      // wal_recycle=off, the ones before it are deleted, not kept as up to max_wal_size of
      // recycled segments).
      expect(walMb()).toBeLessThanOrEqual(4)
    } finally {
      await pg.close()
    }
  }, 120_000)
})
