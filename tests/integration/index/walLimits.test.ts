import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
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
  })
})
