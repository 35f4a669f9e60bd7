import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import { MIGRATIONS } from '../../../src/main/core/index/store/migrations'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { IndexStore } from '../../../src/main/core/index/store/indexStore'
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'
import { runHearth, spawnHearth } from '../../helpers/hearthCli'
import { collect, tempDir } from './cliHelpers'
import { rawPg } from './rawPg'

/** The real built-in embedder, counting the texts it was asked to embed. */
class CountingEmbedder extends CodeHashEmbedder {
  texts = 0
  override embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    this.texts += texts.length
    return super.embed(texts, signal)
  }
}

/** The same embedding, under another name (a second embedder, for a switch and back). */
class OtherEmbedder extends CountingEmbedder {
  override readonly id = 'other-hash-embedder'
}

const FILES = 24
const TOPICS = ['parse the http header', 'retry the request with backoff', 'render the widget tree']
const source = (i: number): string =>
  `// ${TOPICS[i % TOPICS.length] ?? ''}\nexport function step${i}(input: string): string {\n  return input.trim() + '${i}'\n}\n`
const CLEAN = { badFiles: [], orphanChunks: 0, backlogMiscount: 0, vectorsMissing: 0 }

/** Rows of a query on the index's database, opened directly (no store worker holds it then). */
async function sql<T>(dbDir: string, q: string): Promise<T[]> {
  const { db } = await IndexDb.open(dbDir)
  try {
    return (await rawPg(db).query<T>(q)).rows
  } finally {
    await db.close()
  }
}

// Each test has its own database directory (the workspace they share is only read), so the first
// two run at once; the kill test runs alone, so that no other test's load moves where its timed
// kills land.
describe.concurrent('one database per index: full text and vectors together (real PGlite on disk)', () => {
  const tmp = tempDir('onedb')
  const ws = join(tmp.dir, 'ws')

  beforeAll(() => {
    mkdirSync(join(ws, 'src'), { recursive: true })
    for (let i = 0; i < FILES; i++) writeFileSync(join(ws, 'src', `step${i}.ts`), source(i))
  })
  afterAll(() => tmp.cleanup())

  it('keeps each vector once, in the database beside the chunks; an embedder switch and back embeds nothing twice', async () => {
    const dbDir = join(tmp.dir, 'db-one')
    const first = new CountingEmbedder()
    let idx = await WorkspaceIndex.open({ root: ws, dbDir, embedder: first })
    try {
      await idx.fullScan()
      await idx.waitForEmbeddings()
      expect(first.texts).toBe(FILES)
      expect((await idx.search('retry request backoff', { mode: 'hybrid' })).mode).toBe('hybrid')
    } finally {
      await idx.close()
    }
    // One cluster on disk; the vectors are rows of its `embeddings` table, one per text and
    // embedder, and there is no second copy of them.
    expect(existsSync(join(dbDir, 'pg'))).toBe(true)
    expect(readdirSync(dbDir).filter((n) => n.startsWith('vectors'))).toEqual([])
    const tables = await sql<{ t: string }>(
      dbDir,
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    )
    expect(tables.map((r) => r.t)).toContain('embeddings')
    expect(tables.map((r) => r.t)).not.toContain('vecs')
    expect(tables.map((r) => r.t)).not.toContain('embed_cache')
    const [rows] = await sql<{ n: number; texts: number }>(
      dbDir,
      'SELECT count(*)::int AS n, count(DISTINCT hash)::int AS texts FROM embeddings',
    )
    expect(rows).toEqual({ n: FILES, texts: FILES })

    // Another embedder: every text is embedded by it; back to the first: none again (its vectors
    // stayed, keyed by text and embedder).
    const other = new OtherEmbedder()
    idx = await WorkspaceIndex.open({ root: ws, dbDir, embedder: other })
    try {
      await idx.waitForEmbeddings()
      expect(other.texts).toBe(FILES)
    } finally {
      await idx.close()
    }
    const back = new CountingEmbedder()
    idx = await WorkspaceIndex.open({ root: ws, dbDir, embedder: back })
    try {
      await idx.waitForEmbeddings()
      expect(back.texts).toBe(0)
      expect(await idx.store.call('verify', {})).toEqual(CLEAN)
      expect(await idx.store.call('vecRows', {})).toBe(FILES)
      const r = await idx.search('retry request backoff', { mode: 'vector' })
      expect(r.results.length).toBeGreaterThan(0)
    } finally {
      await idx.close()
    }
    const [both] = await sql<{ n: number }>(dbDir, 'SELECT count(*)::int AS n FROM embeddings')
    expect(both?.n).toBe(2 * FILES)
  }, 120_000)

  it('an index from before (two clusters, schema 6) loses its old vector database and is embedded again, full text kept', async () => {
    const dbDir = join(tmp.dir, 'db-old')
    let idx = await WorkspaceIndex.open({ root: ws, dbDir, embedder: new CountingEmbedder() })
    try {
      await idx.fullScan()
      await idx.waitForEmbeddings()
    } finally {
      await idx.close()
    }
    // Made into what the last two-cluster build left (white box, to stand for an old directory):
    // schema 6 with no vectors of its own, every text recorded as embedded in the other
    // database's epoch, and that database beside it with its set-aside copy and a making mark.
    const { db } = await IndexDb.open(dbDir)
    const pg = rawPg(db)
    await pg.exec(`DROP TABLE embeddings;
      DELETE FROM schema_migrations WHERE version >= 7;
      DELETE FROM meta WHERE key LIKE 'vectors\\_%';
      INSERT INTO meta (key, value) VALUES ('vector_epoch', 'old-epoch') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
      DELETE FROM pending;
      INSERT INTO vec_hashes (hash) SELECT DISTINCT hash FROM chunks ON CONFLICT DO NOTHING;`)
    await db.close()
    cpSync(join(dbDir, 'pg'), join(dbDir, 'vectors'), { recursive: true })
    cpSync(join(dbDir, 'pg'), join(dbDir, 'vectors.corrupt-1700000000000'), { recursive: true })
    writeFileSync(join(dbDir, 'vectors.making'), '')

    const again = new CountingEmbedder()
    idx = await WorkspaceIndex.open({ root: ws, dbDir, embedder: again })
    try {
      expect(idx.store.opened.rebuilt).toBeNull()
      expect(idx.store.opened.schemaVersion).toBe(MIGRATIONS.at(-1)?.version)
      expect(readdirSync(dbDir).filter((n) => n.startsWith('vectors'))).toEqual([])
      // The full text is as it was: nothing to index again, searchable at once.
      expect(await idx.fullScan()).toMatchObject({ indexed: 0 })
      expect((await idx.search('retry request backoff', { mode: 'fts' })).results.length).toBeGreaterThan(0)
      await idx.waitForEmbeddings()
      expect(again.texts).toBe(FILES)
      expect(await idx.store.call('verify', {})).toEqual(CLEAN)
      expect((await idx.search('retry request backoff', { mode: 'hybrid' })).mode).toBe('hybrid')
    } finally {
      await idx.close()
    }
  }, 120_000)

  it.sequential(
    'a process killed while it writes chunks and vectors leaves an index that opens clean and finishes',
    async () => {
      const dbDir = join(tmp.dir, 'db-killed')
      const big = join(tmp.dir, 'ws-big')
      for (let i = 0; i < 400; i++) {
        mkdirSync(join(big, `pkg${i % 8}`), { recursive: true })
        writeFileSync(join(big, `pkg${i % 8}`, `unit${i}.ts`), source(i).repeat(1 + (i % 5)))
      }
      let killed = 0
      // Kills at growing delays land in the open, the full-text writes and the embedding.
      for (const delay of [1500, 3000, 4500, 6000, 8000]) {
        const child = spawnHearth(['index', big, '--db', dbDir, '--embedder', 'hash', '--json'])
        const done = collect(child)
        const timer = setTimeout(() => child.kill('SIGKILL'), delay)
        const r = await done
        clearTimeout(timer)
        if (r.signal === 'SIGKILL') killed++
        else expect(r.code, r.stderr).toBe(0)
      }
      expect(killed).toBeGreaterThan(0)
      const store = await IndexStore.open(dbDir)
      try {
        expect(store.opened.rebuilt, JSON.stringify(store.opened.rebuilt)).toBeNull()
        expect(await store.call('verify', {})).toEqual(CLEAN)
      } finally {
        await store.close()
      }
      const finish = await runHearth(['index', big, '--db', dbDir, '--embedder', 'hash', '--json'])
      expect(finish.code, finish.stderr).toBe(0)
      expect(JSON.parse(finish.stdout)).toMatchObject({ files: 400, pendingEmbeddings: 0 })
      const check = await IndexStore.open(dbDir)
      try {
        expect(await check.call('verify', {})).toEqual(CLEAN)
        expect(existsSync(join(dbDir, 'vectors'))).toBe(false)
      } finally {
        await check.close()
      }
    },
    300_000,
  )
})
