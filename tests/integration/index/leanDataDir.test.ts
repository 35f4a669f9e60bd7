import { readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { rawPg } from './rawPg'

/** Bytes and files under `dir`. */
function footprint(dir: string): { bytes: number; files: number } {
  let bytes = 0
  let files = 0
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue
    bytes += statSync(join(e.parentPath, e.name)).size
    files++
  }
  return { bytes, files }
}

async function show(db: IndexDb, name: string): Promise<string> {
  const r = await rawPg(db).query<Record<string, string>>(`SHOW ${name}`)
  return Object.values(r.rows[0] ?? {})[0] ?? ''
}

/**
 * A new index's database is lean (issue 26: a 71-file project's index was 79.5 MB in 1,992 files,
 * ≈95 % of it Postgres' fixed overhead): 1 MB WAL segments, no template databases, no recycled
 * WAL, and a small buffer cache. Real PGlite on disk, made from the template like every new index.
 */
describe('a new index database is small on disk and in memory', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hearth-lean-db-'))
  })
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('has only its own database, 1 MB WAL segments, a 16 MB cache, and stays under 10 MB in ≈300 files', async () => {
    let { db } = await IndexDb.open(dataDir)
    const dbs = await rawPg(db).query<{ datname: string }>('SELECT datname FROM pg_database')
    expect(dbs.rows.map((r) => r.datname)).toEqual(['postgres'])
    expect(await show(db, 'wal_segment_size')).toBe('1MB')
    expect(await show(db, 'wal_recycle')).toBe('off')
    expect(db.stats().cacheMb).toBe(16)
    await db.close()
    // Opened again: the same settings (nothing saved a larger cache for a database this small).
    ;({ db } = await IndexDb.open(dataDir))
    expect(db.stats().cacheMb).toBe(16)
    await db.close()
    const { bytes, files } = footprint(join(dataDir, 'pg'))
    expect(bytes).toBeLessThan(10 * 1024 * 1024)
    expect(files).toBeLessThan(400)
  }, 120_000)
})
