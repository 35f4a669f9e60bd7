/**
 * Measures the vector-search options for the index store on this machine (PGlite + pgvector):
 * exact scan over vector / halfvec, binary quantisation (bit hamming scan) + exact re-rank, HNSW.
 * Prints JSON. usage: npx tsx bench/vectorIndex.ts [rows=100000] [dims=256]
 * The first comparison of the options; bench/vectorOptions.ts measures the store's choice (IVFFlat
 * built in steps, src/main/core/index/store/vectorSteps.ts) beside HNSW on real chunks.
 */
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'

const rows = Number(process.argv[2] ?? 100_000)
const dims = Number(process.argv[3] ?? 256)
const queries = 40

// Sparse-ish random unit vectors shaped like the hashing embedder's output (few hundred non-zeros).
function randomVec(seed: number): number[] {
  let s = seed * 2654435761
  const rnd = (): number => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return ((s >>> 0) % 1_000_000) / 1_000_000
  }
  const v = new Array<number>(dims).fill(0)
  for (let i = 0; i < 60; i++) {
    const k = Math.floor(rnd() * dims)
    v[k] = (v[k] ?? 0) + rnd() - 0.5
  }
  const n = Math.hypot(...v) || 1
  return v.map((x) => +(x / n).toFixed(5))
}
const lit = (v: number[]): string => `[${v.join(',')}]`

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return +(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(2)
}

async function time(db: PGlite, sql: (q: string) => string): Promise<{ p50: number; p95: number }> {
  const t: number[] = []
  for (let i = 0; i < queries; i++) {
    const q = lit(randomVec(1_000_000 + i))
    const t0 = performance.now()
    await db.query(sql(q))
    t.push(performance.now() - t0)
  }
  return { p50: pct(t, 50), p95: pct(t, 95) }
}

const db = await PGlite.create({ extensions: { vector } })
await db.exec('CREATE EXTENSION vector')
await db.exec(`CREATE TABLE c (id int primary key, body text, emb vector(${dims}), bq bit(${dims}))`)
const body = 'x'.repeat(600) // chunks carry text; a scan pays for the row width too
const t0 = performance.now()
for (let i = 0; i < rows; i += 1000) {
  const vals: string[] = []
  for (let j = i; j < Math.min(rows, i + 1000); j++)
    vals.push(`(${j}, '${body}', '${lit(randomVec(j + 1))}')`)
  await db.exec(`INSERT INTO c (id, body, emb) VALUES ${vals.join(',')}`)
}
await db.exec('UPDATE c SET bq = binary_quantize(emb)')
const insertMs = performance.now() - t0
await db.exec('VACUUM ANALYZE c')
await db.exec(`CREATE TABLE cb (id int primary key, bq bit(${dims}))`)
await db.exec('INSERT INTO cb SELECT id, bq FROM c')
await db.exec(`CREATE TABLE ch (id int primary key, h halfvec(${dims}))`)
await db.exec(`INSERT INTO ch SELECT id, emb::halfvec(${dims}) FROM c`)
await db.exec('VACUUM ANALYZE cb')
await db.exec('VACUUM ANALYZE ch')

const out: Record<string, unknown> = { rows, dims, insertRowsPerS: Math.round(rows / (insertMs / 1000)) }
out.exactVector = await time(db, (q) => `SELECT id FROM c ORDER BY emb <=> '${q}' LIMIT 50`)
out.exactHalfvecNarrowTable = await time(
  db,
  (q) => `SELECT id FROM ch ORDER BY h <=> '${q}'::halfvec LIMIT 50`,
)
out.bitScanNarrowTableRerank = await time(
  db,
  (q) =>
    `WITH cand AS (SELECT id FROM cb ORDER BY bq <~> binary_quantize('${q}'::vector) LIMIT 200)
     SELECT c.id FROM c JOIN cand USING (id) ORDER BY c.emb <=> '${q}' LIMIT 50`,
)
out.bitScanWideTableRerank = await time(
  db,
  (q) =>
    `WITH cand AS (SELECT id FROM c ORDER BY bq <~> binary_quantize('${q}'::vector) LIMIT 200)
     SELECT c.id FROM c JOIN cand USING (id) ORDER BY c.emb <=> '${q}' LIMIT 50`,
)
// recall of bit+rerank against exact top 10
let hit = 0
for (let i = 0; i < 20; i++) {
  const q = lit(randomVec(2_000_000 + i))
  const exact = (
    await db.query<{ id: number }>(`SELECT id FROM c ORDER BY emb <=> '${q}' LIMIT 10`)
  ).rows.map((r) => r.id)
  const approx = (
    await db.query<{ id: number }>(
      `WITH cand AS (SELECT id FROM cb ORDER BY bq <~> binary_quantize('${q}'::vector) LIMIT 200)
       SELECT c.id FROM c JOIN cand USING (id) ORDER BY c.emb <=> '${q}' LIMIT 10`,
    )
  ).rows.map((r) => r.id)
  hit += approx.filter((x) => exact.includes(x)).length
}
out.bitRerankRecall10 = hit / 200
if (rows <= 30_000 || process.env.HNSW === '1') {
  await db.exec("SET maintenance_work_mem = '512MB'")
  const h0 = performance.now()
  await db.exec('CREATE INDEX ON c USING hnsw (emb vector_cosine_ops)')
  out.hnswBuildMs = Math.round(performance.now() - h0)
  out.hnsw = await time(db, (q) => `SELECT id FROM c ORDER BY emb <=> '${q}' LIMIT 50`)
}
console.log(JSON.stringify(out))
await db.close()
