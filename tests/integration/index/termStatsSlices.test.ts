import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processQuery } from '../../../src/main/core/index/query'
import { IndexDb, prepareBatch } from '../../../src/main/core/index/store/indexDb'
import { TERM_STATS_KEY, TermStats } from '../../../src/main/core/index/store/termStatsRebuild'
import { MIGRATIONS } from '../../../src/main/core/index/store/migrations'
import { CACHE_SIZING, getMeta, openDatabase } from '../../../src/main/core/index/store/pgInstance'
import { rawPg } from './rawPg'
import { writeAndIndex } from './writeAndIndex'

// Term statistics are recounted in slices of chunks, one store request each, so searches are
// answered in between. Slices of a few rows here; the app counts 2,500 per step. The first
// recount after an empty table counts nothing: it writes the counts kept while writing.
const SLICE = 7

const source = (i: number): string =>
  Array.from(
    { length: 3 },
    (_, f) =>
      `export function parseHeader${i}x${f}(raw: string): Header${i % 5} {\n  return splitFields${f}(raw, 'sep${i % 3}')\n}\n`,
  ).join('\n')
const files = (from: number, to: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: to - from }, (_, k) => [`p${from + k}.ts`, source(from + k)]))

/**
 * The term statistics as stored (meta `term_stats`), and what one ts_stat over every chunk says
 * they should be. What searches use (in memory) must be what is stored.
 */
async function statsAndTruth(db: IndexDb): Promise<{ stored: string[]; truth: string[] }> {
  const stored = TermStats.parse(await getMeta(rawPg(db), TERM_STATS_KEY)).ndoc
  expect([...db.documentFrequencies()].sort()).toEqual([...stored].sort())
  const truth = await rawPg(db).query<{ l: string; n: number }>(
    `SELECT word AS l, ndoc AS n FROM ts_stat('SELECT tsv FROM chunks')`,
  )
  return {
    stored: [...stored].map(([l, n]) => `${l}:${n}`).sort(),
    truth: truth.rows.map((r) => `${r.l}:${r.n}`).sort(),
  }
}

async function steps(db: IndexDb): Promise<number> {
  for (let n = 1; ; n++) if ((await db.refreshTermStatsStep(false, SLICE)).done) return n
}

describe('term statistics are recounted in slices (real PGlite on disk)', () => {
  let root: string
  let dataDir: string
  let db: IndexDb

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-stats-ws-'))
    dataDir = await mkdtemp(join(tmpdir(), 'hearth-stats-db-'))
    db = (await IndexDb.open(dataDir)).db
    await writeAndIndex(db, root, files(0, 30))
  }, 60_000)
  afterAll(async () => {
    await db?.close()
    await rm(root, { recursive: true, force: true })
    await rm(dataDir, { recursive: true, force: true })
  })

  it('after a first index, writes the counts kept while writing (deletes and rewrites included)', async () => {
    await db.deleteFiles(['p1.ts', 'p2.ts'])
    await writeFile(join(root, 'p7.ts'), source(99))
    await db.indexFiles(root, [{ path: 'p7.ts', size: source(99).length, mtimeMs: Date.now() + 1000 }])
    // Merge the GIN pending list and store the counts, in one step: no slice is counted.
    expect(await steps(db)).toBe(1)
    const { stored, truth } = await statsAndTruth(db)
    expect(truth.length).toBeGreaterThan(20)
    expect(stored).toEqual(truth)
  })

  it('a first index whose batch falls back to file-by-file writes ends with exact counts too', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'hearth-stats-ws-'))
    const dir = await mkdtemp(join(tmpdir(), 'hearth-stats-db-'))
    const fresh = (await IndexDb.open(dir)).db
    try {
      const texts = files(100, 106)
      for (const [path, text] of Object.entries(texts)) await writeFile(join(ws, path), text)
      const batch = prepareBatch(
        ws,
        Object.entries(texts).map(([path, text]) => ({ path, size: text.length, mtimeMs: 0 })),
        () => undefined,
      )
      // A tsvector payload that claims one lexeme more than it holds: Postgres refuses the batch,
      // then only that file. The batch's document frequencies (counted in the prepare step) cover
      // all six files, so they must not be what the first recount writes.
      const bad = batch.prepared[2]?.rows[0]
      if (!bad) throw new Error('no chunk to corrupt')
      const tsv = Buffer.from(bad.tsv)
      tsv.writeInt32BE(tsv.readInt32BE(0) + 1, 0)
      bad.tsv = tsv
      const res = await fresh.writePrepared(batch)
      expect(res.skipped.map((s) => s.path)).toEqual(['p102.ts'])
      expect(res.indexed).toBe(5)
      await steps(fresh)
      const { stored, truth } = await statsAndTruth(fresh)
      expect(truth.length).toBeGreaterThan(10)
      expect(stored).toEqual(truth)
    } finally {
      await fresh.close()
      await rm(ws, { recursive: true, force: true })
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('later adds up, over many slices, to exactly one count over every chunk, gaps in the ids and all', async () => {
    await db.deleteFiles(['p3.ts', 'p4.ts', 'p5.ts', 'p6.ts', 'p17.ts'])
    await writeAndIndex(db, root, files(30, 36))
    expect(await steps(db)).toBeGreaterThanOrEqual(30 / SLICE)
    const { stored, truth } = await statsAndTruth(db)
    expect(stored).toEqual(truth)
  })

  it('keeps serving searches on the old counts until the last slice swaps the new ones in', async () => {
    const before = (await statsAndTruth(db)).stored
    await writeAndIndex(db, root, files(36, 60))
    expect((await db.refreshTermStatsStep(false, SLICE)).done).toBe(false)
    const hits = await db.searchFts({ terms: processQuery('parseHeader50x1').terms, limit: 5 })
    expect(hits.map((h) => h.path)).toContain('p50.ts')
    expect((await statsAndTruth(db)).stored).toEqual(before)
    while (!(await db.refreshTermStatsStep(false, SLICE)).done);
    const { stored, truth } = await statsAndTruth(db)
    expect(stored).toEqual(truth)
    expect(stored).not.toEqual(before)
  })

  it('a recount cut short by closing leaves the counts as they were; the next one completes', async () => {
    const before = (await statsAndTruth(db)).stored
    await db.deleteFiles(['p40.ts', 'p41.ts'])
    expect((await db.refreshTermStatsStep(false, SLICE)).done).toBe(false)
    await db.close()
    db = (await IndexDb.open(dataDir)).db
    expect((await statsAndTruth(db)).stored).toEqual(before)
    expect(await db.verify()).toEqual({
      badFiles: [],
      orphanChunks: 0,
      backlogMiscount: 0,
      vectorsMissing: 0,
    })
    await steps(db)
    const { stored, truth } = await statsAndTruth(db)
    expect(stored).toEqual(truth)
  })
})

describe('term statistics stored as one entry (schema 6)', () => {
  it('an index at schema 5 keeps its counts: the rows become the entry, the table goes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-stats-v5-'))
    try {
      const old = await openDatabase(join(dir, 'pg'), CACHE_SIZING, MIGRATIONS.slice(0, 5), 'index', (pg) =>
        Promise.resolve(pg),
      )
      await old.db.query(`INSERT INTO term_stats VALUES ('pars', 3), ('header', 1), ('zeta', 2)`)
      await old.db.query(`INSERT INTO meta VALUES ('term_stats_chunks', '3')`)
      await old.db.close()

      const { db, result } = await IndexDb.open(dir)
      try {
        expect(result.schemaVersion).toBe(MIGRATIONS.at(-1)?.version)
        expect([...db.documentFrequencies()].sort()).toEqual([
          ['header', 1],
          ['pars', 3],
          ['zeta', 2],
        ])
        const left = await rawPg(db).query(`SELECT relname FROM pg_class WHERE relname LIKE 'term_stats%'`)
        expect(left.rows).toEqual([])
      } finally {
        await db.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('a damaged entry reads as no statistics, and the next recount writes a good one', async () => {
    expect(TermStats.parse('{"lexemes":["a"],"ndocs":[1,2]}').size).toBe(0)
    expect(TermStats.parse('not json').size).toBe(0)
    expect(TermStats.parse(null).size).toBe(0)
    expect([...TermStats.parse('{"lexemes":["a","b"],"ndocs":[2,0]}').ndoc]).toEqual([['a', 2]])

    const ws = await mkdtemp(join(tmpdir(), 'hearth-stats-ws-'))
    const dir = await mkdtemp(join(tmpdir(), 'hearth-stats-db-'))
    try {
      let db = (await IndexDb.open(dir)).db
      await writeAndIndex(db, ws, files(0, 4))
      await steps(db)
      await rawPg(db).query(`UPDATE meta SET value = '{"lexemes":' WHERE key = 'term_stats'`)
      await db.close()
      db = (await IndexDb.open(dir)).db
      try {
        expect(db.documentFrequencies().size).toBe(0)
        // Every term weighs the same without statistics, but search still finds the chunk.
        const hits = await db.searchFts({ terms: processQuery('parseHeader2x1').terms, limit: 5 })
        expect(hits.map((h) => h.path)).toContain('p2.ts')
        // The app's refresh only recounts when the index moved by a tenth; nothing moved here.
        await db.refreshTermStats(true)
        const { stored, truth } = await statsAndTruth(db)
        expect(stored).toEqual(truth)
      } finally {
        await db.close()
      }
    } finally {
      await rm(ws, { recursive: true, force: true })
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
