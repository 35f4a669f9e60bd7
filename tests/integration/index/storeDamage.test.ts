import { cpSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { IndexStore } from '../../../src/main/core/index/store/indexStore'
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'
import { runHearth } from '../../helpers/hearthCli'
import { tempDir } from './cliHelpers'
import { type ChunkKey, sortKeys, sourceText } from './freshWalk'
import { rawPg } from './rawPg'
import { scribblePg } from './scribblePg'

// Real PGlite on disk; each open is a second or more on a busy two-core machine.
const SLOW = 300_000

/** Bytes under `path` (what the disk lost to it). */
function du(path: string): number {
  const st = statSync(path)
  if (!st.isDirectory()) return st.size
  return readdirSync(path).reduce((sum, n) => sum + du(join(path, n)), 0)
}

// Each test damages a copy of its own of the index made once in beforeAll, so they run at once:
// their store workers and CLI processes overlap instead of queueing.
describe.concurrent('damage inside the tables is found and mended (real PGlite data directories)', () => {
  const tmp = tempDir('damage')
  const ws = join(tmp.dir, 'ws')
  const good = join(tmp.dir, 'good')
  /** Each relation's file in the data directory (pg_relation_filepath), as the good index has it. */
  const files: Record<string, string> = {}
  /** Every chunk of the files, as the good index holds them before any damage. */
  let expected: ChunkKey[] = []
  let copies = 0

  beforeAll(async () => {
    for (let n = 0; n < 120; n++) {
      mkdirSync(join(ws, `p${n % 6}`), { recursive: true })
      const text = Array.from({ length: 4 }, (_, i) => sourceText(`u${n}x${i}`, n * 7 + i)).join('\n\n')
      writeFileSync(join(ws, `p${n % 6}`, `unit${n}.ts`), text)
    }
    const idx = await WorkspaceIndex.open({ root: ws, dbDir: good, embedder: null })
    await idx.fullScan()
    await idx.close()
    const { db } = await IndexDb.open(good)
    for (const rel of ['chunks', 'chunks_tsv']) {
      const r = await rawPg(db).query<{ p: string }>('SELECT pg_relation_filepath($1::regclass) AS p', [rel])
      files[rel] = r.rows[0]?.p ?? ''
    }
    expected = sortKeys(await db.chunkList())
    expect(await db.verify()).toMatchObject({ badFiles: [], orphanChunks: 0 })
    await db.close()
    expect(expected.length).toBeGreaterThan(300)
  }, SLOW)
  afterAll(() => tmp.cleanup())

  /** A copy of the good index to damage. */
  const copy = (): string => {
    const dir = join(tmp.dir, `copy${copies++}`)
    cpSync(good, dir, { recursive: true })
    return dir
  }
  /** Cuts a relation's file to 60 % of its pages, as a torn copy or a bad disk would. */
  const cut = (dbDir: string, rel: string): void => {
    const f = join(dbDir, 'pg', files[rel] ?? '')
    const size = statSync(f).size
    expect(size).toBeGreaterThan(4 * 8192)
    truncateSync(f, Math.floor((size * 0.6) / 8192) * 8192)
  }
  /** As if the last session had been killed: no record of a clean close. */
  const unclean = (dbDir: string): void => rmSync(join(dbDir, 'pg', 'hearth-closed.json'), { force: true })

  const searchWorks = async (idx: WorkspaceIndex): Promise<void> => {
    const r = await idx.search('u37x2Step1 scaled', { mode: 'fts' })
    expect(r.results[0]?.path).toBe('p1/unit37.ts')
  }
  const complete = async (idx: WorkspaceIndex): Promise<void> => {
    expect((await idx.stats()).chunks).toBe(expected.length)
    expect(sortKeys(await idx.store.call('chunkList', {}))).toEqual(expected)
    expect(await idx.store.call('verify', {})).toEqual({
      badFiles: [],
      orphanChunks: 0,
      backlogMiscount: 0,
      vectorsMissing: 0,
    })
  }

  it(
    'a GIN index cut short since the last close is rebuilt at open: search answers',
    async () => {
      const dir = copy()
      cut(dir, 'chunks_tsv')
      const idx = await WorkspaceIndex.open({ root: ws, dbDir: dir, embedder: null })
      try {
        await searchWorks(idx)
        expect(idx.store.opened.rebuilt).toBeNull()
        await complete(idx)
      } finally {
        await idx.close()
      }
    },
    SLOW,
  )

  it(
    'a chunks table cut short since the last close is rebuilt from the files: every chunk is back',
    async () => {
      const dir = copy()
      cut(dir, 'chunks')
      const idx = await WorkspaceIndex.open({ root: ws, dbDir: dir, embedder: null })
      try {
        await idx.fullScan()
        await complete(idx)
        await searchWorks(idx)
      } finally {
        await idx.close()
      }
    },
    SLOW,
  )

  it(
    'after an unclean close, the full check finds both: a damaged GIN index and a short chunks table',
    async () => {
      const gin = copy()
      cut(gin, 'chunks_tsv')
      unclean(gin)
      const a = await WorkspaceIndex.open({ root: ws, dbDir: gin, embedder: null })
      try {
        await searchWorks(a)
      } finally {
        await a.close()
      }
      const table = copy()
      cut(table, 'chunks')
      unclean(table)
      const b = await WorkspaceIndex.open({ root: ws, dbDir: table, embedder: null })
      try {
        await b.fullScan()
        await complete(b)
      } finally {
        await b.close()
      }
    },
    SLOW,
  )

  it(
    'a search that runs into a damaged index mends it and answers, instead of failing',
    async () => {
      const dir = copy()
      const idx = await WorkspaceIndex.open({ root: ws, dbDir: dir, embedder: null })
      try {
        // Cut while open: nothing has read the index's pages yet, the next search does.
        cut(dir, 'chunks_tsv')
        await searchWorks(idx)
        await searchWorks(idx)
      } finally {
        await idx.close()
      }
    },
    SLOW,
  )

  it(
    '`hearth index --force` rebuilds the full text from nothing (every chunk after chunk-table damage) and keeps the vectors',
    async () => {
      const dir = copy()
      cut(dir, 'chunks')
      const damaged = await runHearth(['index', ws, '--db', dir, '--embedder', 'hash', '--json', '--force'])
      expect(damaged.code, damaged.stderr).toBe(0)
      expect(JSON.parse(damaged.stdout)).toMatchObject({ files: 120, chunks: expected.length })

      // Every file is indexed again; the vectors (keyed by chunk text, in the same database) stay,
      // so nothing is embedded again.
      const vecRows = async (): Promise<number> => {
        const store = await IndexStore.open(dir)
        try {
          return await store.call('vecRows', {})
        } finally {
          await store.close()
        }
      }
      const before = await vecRows()
      expect(before).toBeGreaterThan(0)
      const forced = await runHearth(['index', ws, '--db', dir, '--embedder', 'hash', '--json', '--force'])
      expect(forced.code, forced.stderr).toBe(0)
      expect(JSON.parse(forced.stdout)).toMatchObject({
        files: 120,
        chunks: expected.length,
        indexed: 120,
        pendingEmbeddings: 0,
      })
      expect(await vecRows()).toBe(before)
      expect(readdirSync(dir).filter((n) => n.startsWith('pg.') && !n.startsWith('pg.corrupt-'))).toEqual([])
    },
    SLOW,
  )

  it(
    'keeps one set-aside copy through repeated corruption, and counts it in the size it reports',
    async () => {
      const dir = copy()
      // Two rounds: a second copy is where an older store kept two.
      for (let round = 0; round < 2; round++) {
        scribblePg(join(dir, 'pg'))
        const store = await IndexStore.open(dir)
        expect(store.opened.rebuilt?.setAsideTo).toMatch(/pg\.corrupt-/)
        await store.close()
        expect(readdirSync(dir).filter((n) => n.startsWith('pg.corrupt-'))).toHaveLength(1)
      }
      const aside = readdirSync(dir).find((n) => n.startsWith('pg.corrupt-')) ?? ''
      const r = await runHearth(['index', ws, '--db', dir, '--embedder', 'hash'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain(`damaged copy at ${join(dir, aside)}`)
      const size = /index: .* \((\d+(?:\.\d+)?) MB on disk/.exec(r.stdout)?.[1]
      expect(Number(size) * 1024 * 1024).toBeGreaterThanOrEqual(du(dir) * 0.9)
      expect(du(join(dir, aside))).toBeGreaterThan(0)
    },
    SLOW,
  )
})
