/**
 * The vector-index options side by side on real vectors: chunks of the project's own node_modules
 * (bench/realTree.ts), embedded by the default embedder (CodeHashEmbedder, 512 dims), stored in a
 * table shaped like `embeddings`. Per option: build time, the longest single statement of the build
 * (what a search queued behind it waits), query p50/p95 at the depth hybrid search asks (60),
 * recall@10 and @60 against the exact scan, and resident memory gained by the build. Prints JSON.
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/vectorOptions.ts [rows=50000] [options=a,b]
 *   options: hnsw16 (m 16, ef_construction 64: the former build), hnsw8 (m 8, ef_construction 32),
 *            ivfflat (one statement), steps (IVFFlat trained on a sample, rows added in steps:
 *            the store's own VectorDb.maintainStep; ON_DISK=1 puts its database on disk)
 * Each option runs on a fresh database in the same process; RSS only grows (WASM memory is not
 * given back), so the order rotates between runs (`ROTATE=n`) and the gain is measured per option.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { CodeHashEmbedder } from '../src/main/core/inference/codeHashEmbedder'
import { chunkFile } from '../src/main/core/index/chunker'
import { embedText } from '../src/main/core/index/store/indexDb'
import { IndexDb } from '../src/main/core/index/store/indexDb'
import { ivfLists, ivfProbes } from '../src/main/core/index/store/vectorSteps'
import { realSources, relOf } from './realTree'

const rows = Number(process.argv[2] ?? 50_000)
const all = ['exact', 'hnsw16', 'hnsw8', 'ivfflat', 'steps']
const wanted = (process.argv[3] ?? all.join(',')).split(',')
const rotate = Number(process.env.ROTATE ?? 0)
const order = wanted.map((_, i) => wanted[(i + rotate) % wanted.length] as string)
const K = 60
const QUERIES = 60

const emb = new CodeHashEmbedder()
const dims = emb.dimensions
const lit = (v: ArrayLike<number>): string => `[${Array.from(v, (x) => +x.toFixed(6)).join(',')}]`

/** Chunk texts of real files until `n` (plus queries: the first line or two of other chunks). */
async function vectors(n: number): Promise<{ data: string[]; queries: string[] }> {
  const texts: string[] = []
  const held: string[] = []
  for (const f of realSources(60_000)) {
    if (texts.length >= n) break
    const path = relOf(f)
    for (const c of chunkFile(path, readFileSync(f, 'utf8'))) {
      // Every 97th chunk is held out: its opening words are a query that is near, not equal, to data.
      if (texts.length % 97 === 0 && held.length < QUERIES)
        held.push(c.text.split('\n').slice(0, 2).join(' '))
      else texts.push(embedText(path, c.text))
    }
  }
  const out: string[] = []
  const data = texts.slice(0, n)
  for (let i = 0; i < data.length; i += emb.maxBatch)
    for (const v of await emb.embed(data.slice(i, i + emb.maxBatch))) out.push(lit(v))
  const queries = (await emb.embed(held)).map(lit)
  return { data: out, queries }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return +(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(1)
}
const rssMb = (): number => Math.round(process.memoryUsage().rss / 2 ** 20)

const { data, queries } = await vectors(rows)
/** Per query, the exact scan's distances (recall counts ties with the k-th as hits). */
const exactOf: number[][] = []

async function fresh(): Promise<PGlite> {
  const db = await PGlite.create({ extensions: { vector } })
  await db.exec('CREATE EXTENSION vector')
  await db.exec(`CREATE TABLE e (id int PRIMARY KEY, embedder text NOT NULL, embedding vector NOT NULL,
    ivf boolean NOT NULL DEFAULT false)`)
  for (let i = 0; i < data.length; i += 1000) {
    const part = data.slice(i, i + 1000)
    await db.query(
      `INSERT INTO e (id, embedder, embedding) SELECT i, 'x', v::vector FROM unnest($1::int[], $2::text[]) u(i, v)`,
      [part.map((_, j) => i + j), part],
    )
  }
  await db.exec('VACUUM ANALYZE e')
  return db
}

const NEAR = (q: string, where = ''): string =>
  `SELECT id, embedding::vector(${dims}) <=> '${q}'::vector(${dims}) AS d FROM e WHERE embedder = 'x' ${where} ORDER BY d LIMIT ${K}`

async function measure(db: PGlite, sql: (q: string) => string): Promise<Record<string, number>> {
  return measureBy(async (q) => (await db.query<{ d: number }>(sql(q))).rows.map((r) => r.d))
}

async function measureBy(nearest: (q: string) => Promise<number[]>): Promise<Record<string, number>> {
  const t: number[] = []
  let r10 = 0
  let r60 = 0
  let n = 0
  for (const [i, q] of queries.entries()) {
    // A query with no word the embedder knows is a zero vector: no distances, left out.
    if (!Number.isFinite(exactOf[i]?.[0])) continue
    n++
    const t0 = performance.now()
    const ds = await nearest(q)
    t.push(performance.now() - t0)
    const ex = exactOf[i] ?? []
    // A hit is a row at least as near as the exact k-th: near-duplicate chunks tie, and any of them is right.
    const within = (k: number): number =>
      ds.slice(0, k).filter((d) => d <= (ex[k - 1] ?? 0) + 1e-9).length / k
    r10 += within(10)
    r60 += within(Math.min(K, ex.length))
  }
  return {
    p50: pct(t, 50),
    p95: pct(t, 95),
    recall10: +(r10 / n).toFixed(3),
    recall60: +(r60 / n).toFixed(3),
  }
}

/** Runs `f`, timing each statement it runs through `step`: total and the longest. */
async function timed(f: (step: (sql: string) => Promise<void>) => Promise<void>, db: PGlite) {
  let longest = 0
  let longestSql = ''
  let steps = 0
  const rss0 = rssMb()
  const t0 = performance.now()
  await f(async (sql) => {
    const s0 = performance.now()
    await db.exec(sql)
    if (performance.now() - s0 > longest) [longest, longestSql] = [performance.now() - s0, sql.slice(0, 40)]
    steps++
  })
  return {
    buildMs: Math.round(performance.now() - t0),
    longestStepMs: Math.round(longest),
    longestSql,
    steps,
    rssGainMb: rssMb() - rss0,
  }
}

const expr = `(embedding::vector(${dims}))`
const result: Record<string, unknown> = { rows: data.length, dims, queries: queries.length, rotate }
for (const opt of order) {
  const db = await fresh()
  if (exactOf.length === 0)
    for (const q of queries) exactOf.push((await db.query<{ d: number }>(NEAR(q))).rows.map((r) => r.d))
  let out: Record<string, unknown> = {}
  if (opt === 'exact') out = await measure(db, (q) => NEAR(q))
  else if (opt === 'hnsw16' || opt === 'hnsw8') {
    const [m, efc] = opt === 'hnsw16' ? [16, 64] : [8, 32]
    const b = await timed(async (step) => {
      await step(`SET maintenance_work_mem = '512MB'`)
      await step(
        `CREATE INDEX h ON e USING hnsw (${expr} vector_cosine_ops) WITH (m = ${m}, ef_construction = ${efc}) WHERE embedder = 'x'`,
      )
    }, db)
    const ef: Record<string, unknown> = {}
    for (const s of [40, 100]) {
      await db.exec(`SET hnsw.ef_search = ${s}`)
      ef[`ef${s}`] = await measure(db, (q) => NEAR(q))
    }
    out = { ...b, ...ef }
  } else if (opt === 'ivfflat') {
    const lists = ivfLists(data.length)
    const b = await timed(async (step) => {
      await step(`SET maintenance_work_mem = '64MB'`)
      await step(
        `CREATE INDEX i ON e USING ivfflat (${expr} vector_cosine_ops) WITH (lists = ${lists}) WHERE embedder = 'x'`,
      )
    }, db)
    const pr: Record<string, unknown> = {}
    for (const p of [ivfProbes(lists), 2 * ivfProbes(lists), 4 * ivfProbes(lists)]) {
      await db.exec(`SET ivfflat.probes = ${p}`)
      pr[`probes${p}`] = await measure(db, (q) => NEAR(q))
    }
    out = { lists, ...b, ...pr }
  } else if (opt === 'steps') {
    // The store's own code (VectorDb.maintainStep) on an in-memory index database. Hashes like the
    // store's (content hashes: their order is random, which is what the training sample relies on).
    // ON_DISK=1: a database on disk, as the store's (the last step's restart is timed with it).
    const dir = process.env.ON_DISK === '1' ? mkdtempSync(join(tmpdir(), 'hearth-vecopt-')) : null
    const { db: idx } = await IndexDb.open(dir)
    await idx.setEmbedder('bench', dims)
    for (let i = 0; i < data.length; i += 1000)
      await idx.vectors.put(
        data.slice(i, i + 1000).map((v, j) => ({
          hash: createHash('sha256')
            .update(String(i + j))
            .digest('hex'),
          vector: JSON.parse(v) as number[],
        })),
      )
    let longest = 0
    let steps = 0
    const rss0 = rssMb()
    const t0 = performance.now()
    const byKind: Record<string, number[]> = {}
    for (let more = true; more; steps++) {
      const s0 = performance.now()
      const r = await idx.vectors.maintainStep()
      more = r.more
      longest = Math.max(longest, performance.now() - s0)
      ;(byKind[r.step] ??= []).push(performance.now() - s0)
    }
    const buildMs = Math.round(performance.now() - t0)
    const lists = ivfLists(data.length)
    out = {
      lists,
      probes: ivfProbes(lists),
      buildMs,
      longestStepMs: Math.round(longest),
      steps,
      stepMs: Object.fromEntries(
        Object.entries(byKind).map(([k, v]) => [k, { n: v.length, p50: pct(v, 50), max: pct(v, 100) }]),
      ),
      rssGainMb: rssMb() - rss0,
      query: await measureBy(async (q) =>
        (await idx.vectors.nearest(JSON.parse(q) as number[], K)).map((r) => r.d),
      ),
    }
    await idx.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
  result[opt] = { ...out, rssAfterMb: rssMb() }
  await db.close()
}
console.log(JSON.stringify(result))
