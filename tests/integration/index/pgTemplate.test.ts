import { existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { startPg } from '../../../src/main/core/index/store/pgInstance'
import { isNewDataDir, templateFile } from '../../../src/main/core/index/store/pgTemplate'
import { rawPg } from './rawPg'

/**
 * New databases start from a template of an empty one instead of running initdb (real PGlite, on
 * disk and in memory). The template is recognised here by a marker table the test slips into it,
 * so "loaded from the template" is a fact about the data, not a timing.
 */
describe('a new index database starts from the empty-database template', () => {
  let dir: string
  let cacheDir: string
  let file: string
  const saved = process.env.HEARTH_CACHE_DIR

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-template-'))
    cacheDir = join(dir, 'cache')
    process.env.HEARTH_CACHE_DIR = cacheDir
    file = templateFile() ?? ''
  })
  afterAll(async () => {
    if (saved === undefined) delete process.env.HEARTH_CACHE_DIR
    else process.env.HEARTH_CACHE_DIR = saved
    await rm(dir, { recursive: true, force: true })
  })

  const hasMarker = async (pgDir: string | null): Promise<boolean> => {
    const pg = await startPg(pgDir)
    try {
      const r = await pg.query<{ t: string | null }>(`SELECT to_regclass('template_marker')::text AS t`)
      return r.rows[0]?.t === 'template_marker'
    } finally {
      await pg.close()
    }
  }

  /** Replaces the template with one holding a marker table (and whatever `tweak` does). */
  const markTemplate = async (name: string, tweak = ''): Promise<void> => {
    const pg = await startPg(join(dir, name))
    await pg.exec(`CREATE TABLE IF NOT EXISTS template_marker (x int); ${tweak}`)
    await pg.exec('CHECKPOINT')
    const tar = await pg.dumpDataDir('none')
    await pg.close()
    writeFileSync(file, new Uint8Array(await tar.arrayBuffer()))
  }

  it('is written by the first database made here, under a name that carries the PGlite and pgvector versions', async () => {
    expect(file).toMatch(/pglite-template-\d+\.\d+\.\d+.*-\d+\.\d+\.\d+.*\.tar$/)
    expect(existsSync(file)).toBe(false)
    const pg = await startPg(null)
    await pg.close()
    expect(statSync(file).size).toBeGreaterThan(1_000_000)
  })

  it('fills new directories on disk and in memory, and never touches an existing one', async () => {
    const existing = join(dir, 'existing')
    const before = await startPg(existing)
    await before.exec(`CREATE TABLE mine (x int); INSERT INTO mine VALUES (7)`)
    await before.close()
    await markTemplate('maker1')
    expect(await hasMarker(join(dir, 'new-on-disk'))).toBe(true)
    expect(await hasMarker(null)).toBe(true)
    // An empty folder (made by the caller ahead of time) counts as new.
    mkdirSync(join(dir, 'empty'))
    expect(isNewDataDir(join(dir, 'empty'))).toBe(true)
    expect(await hasMarker(join(dir, 'empty'))).toBe(true)
    // A database made before the marker went into the template stays as it was.
    expect(isNewDataDir(existing)).toBe(false)
    expect(await hasMarker(existing)).toBe(false)
    const pg = await startPg(existing)
    const r = await pg.query<{ x: number }>(`SELECT x FROM mine`)
    expect(r.rows).toEqual([{ x: 7 }])
    await pg.close()
  })

  it('a whole index opens from it and works', async () => {
    await markTemplate('maker2')
    mkdirSync(join(dir, 'index'))
    const { db } = await IndexDb.open(join(dir, 'index'))
    try {
      const r = await rawPg(db).query<{ t: string | null; m: string | null }>(
        `SELECT to_regclass('template_marker')::text AS t, to_regclass('chunks')::text AS m`,
      )
      expect(r.rows[0]).toEqual({ t: 'template_marker', m: 'chunks' })
    } finally {
      await db.close()
    }
  })

  it('a truncated template is dropped: initdb runs, the database works, and a good template replaces it', async () => {
    await markTemplate('maker3')
    truncateSync(file, 5_000_000)
    expect(await hasMarker(join(dir, 'after-truncated'))).toBe(false)
    expect(statSync(file).size).toBeGreaterThan(5_000_000)
    // The replacement is a real one: the next new directory starts from it.
    expect(await hasMarker(join(dir, 'after-replacement'))).toBe(false)
  })

  it('a template whose extension objects are not this build’s is dropped for initdb', async () => {
    await markTemplate('maker4', `UPDATE pg_extension SET extversion = '0.0.1' WHERE extname = 'vector'`)
    const pg = await startPg(join(dir, 'after-stale'))
    try {
      const r = await pg.query<{ t: string | null; v: string }>(
        `SELECT to_regclass('template_marker')::text AS t, (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS v`,
      )
      expect(r.rows[0]?.t).toBeNull()
      expect(r.rows[0]?.v).not.toBe('0.0.1')
    } finally {
      await pg.close()
    }
    // Replaced by the fresh database's own copy.
    const again = await startPg(join(dir, 'after-stale-2'))
    const v = await again.query<{ v: string }>(
      `SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`,
    )
    expect(v.rows[0]?.v).not.toBe('0.0.1')
    await again.close()
  })

  it('garbage in place of a template is survived the same way', async () => {
    writeFileSync(file, 'not a tar')
    expect(await hasMarker(join(dir, 'after-garbage'))).toBe(false)
    expect(readFileSync(file).length).toBeGreaterThan(1_000_000)
  })
})
