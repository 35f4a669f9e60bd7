import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processQuery } from '../../../src/main/core/index/query'
import { PGlite } from '@electric-sql/pglite'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import type { CacheSizing } from '../../../src/main/core/index/store/pgInstance'
import { writeAndIndex } from './writeAndIndex'

// The real sizing starts at 16 MB and steps by 32 MB, which only a large index reaches.
// Scaled down here so a few hundred files cross steps; the code path is the same.
const SIZING: CacheSizing = { minKb: 1024, maxKb: 64 * 1024, stepKb: 256 }

const source = (i: number): string =>
  Array.from(
    { length: 12 },
    (_, f) =>
      `export function handler${i}x${f}(request: Request${f}): Response${i} {\n  return respond${i % 97}(request, ${i * f}, 'token${i}_${f}')\n}\n`,
  ).join('\n')

describe("the index sizes Postgres' buffer cache to what searches read (real PGlite on disk)", () => {
  let root: string
  let dataDir: string

  async function indexRange(db: IndexDb, from: number, to: number): Promise<void> {
    const files: Record<string, string> = {}
    for (let i = from; i < to; i++) files[`h${i}.ts`] = source(i)
    await writeAndIndex(db, root, files)
    await db.refreshTermStats(true)
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-cache-ws-'))
    dataDir = await mkdtemp(join(tmpdir(), 'hearth-cache-db-'))
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
    await rm(dataDir, { recursive: true, force: true })
  })

  it('starts at the smallest size, grows at once (restarting Postgres), and keeps its size across opens', async () => {
    let { db } = await IndexDb.open(dataDir, SIZING)
    // A fresh database runs the sizing's smallest cache (not Postgres' 128 MB default), and so does
    // a small index, at every open.
    expect(db.stats().cacheMb).toBe(SIZING.minKb / 1024)
    await indexRange(db, 0, 100)
    await db.close()
    ;({ db } = await IndexDb.open(dataDir, SIZING))
    const small = db.stats().cacheMb
    expect(small).toBeLessThan(128)
    expect(small).toBeGreaterThanOrEqual(SIZING.minKb / 1024)

    // Growing past a step restarts Postgres in place: the same IndexDb keeps working.
    await indexRange(db, 100, 700)
    const grown = db.stats().cacheMb
    expect(grown).toBeGreaterThan(small)
    const hits = await db.searchFts({ terms: processQuery('handler650x3').terms, limit: 5 })
    expect(hits.map((h) => h.path)).toContain('h650.ts')
    expect(await db.verify()).toEqual({
      badFiles: [],
      orphanChunks: 0,
      backlogMiscount: 0,
      vectorsMissing: 0,
    })
    await db.close()

    ;({ db } = await IndexDb.open(dataDir, SIZING))
    expect(db.stats().cacheMb).toBe(grown)
    expect(db.stats().files).toBe(700)
    await db.close()
  }, 120_000)

  it('one command (the CLI): a small cache, never grown by a restart; the size it needs is saved for the app', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-cache-one-'))
    const once: CacheSizing = { ...SIZING, oneCommand: true }
    try {
      let { db } = await IndexDb.open(dir, once)
      // The same pass that grows a staying process's cache (the test above) leaves this one as it was.
      await indexRange(db, 0, 700)
      expect(db.stats().cacheMb).toBe(SIZING.minKb / 1024)
      const hits = await db.searchFts({ terms: processQuery('handler650x3').terms, limit: 5 })
      expect(hits.map((h) => h.path)).toContain('h650.ts')
      await db.close()

      // A process that stays starts with the size the pass found.
      ;({ db } = await IndexDb.open(dir, SIZING))
      const needed = db.stats().cacheMb
      expect(needed).toBeGreaterThan(SIZING.minKb / 1024)
      await db.close()

      // The next single command starts small again, whatever size is saved, and keeps it saved.
      ;({ db } = await IndexDb.open(dir, once))
      expect(db.stats().cacheMb).toBe(SIZING.minKb / 1024)
      expect(db.stats().files).toBe(700)
      await db.refreshTermStats()
      await db.close()
      ;({ db } = await IndexDb.open(dir, SIZING))
      expect(db.stats().cacheMb).toBe(needed)
      await db.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it('a cache too large to start falls back to the size that ran, never to a re-index', async () => {
    // One step of 6 GB: more than a WASM Postgres can allocate.
    const huge: CacheSizing = { minKb: 1024, maxKb: 64 * 2 ** 20, stepKb: 6 * 2 ** 20 }
    const dir = await mkdtemp(join(tmpdir(), 'hearth-cache-huge-'))
    try {
      let { db } = await IndexDb.open(dir, huge)
      await indexRange(db, 0, 20)
      // The restart with 6 GB failed; the store runs on with what it had, and searches.
      expect(db.stats().cacheMb).toBe(SIZING.minKb / 1024)
      const hits = await db.searchFts({ terms: processQuery('handler7x2').terms, limit: 5 })
      expect(hits.map((h) => h.path)).toContain('h7.ts')
      await db.close()

      // A size saved where there was more memory: the index opens with the default, not rebuilt.
      const raw = await PGlite.create(join(dir, 'pg'))
      await raw.query(`ALTER SYSTEM SET shared_buffers = '6GB'`)
      await raw.close()
      const reopened = await IndexDb.open(dir, huge)
      db = reopened.db
      expect(reopened.result.rebuilt).toBeNull()
      expect(db.stats()).toMatchObject({ files: 20, cacheMb: 1 })
      await db.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
