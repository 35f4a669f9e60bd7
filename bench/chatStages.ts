/**
 * Where a @codebase search's time goes on a kept index (bench/chat.ts --index-dir): each stage of
 * the hybrid search timed apart (full-text query, vector query, the shown chunks' texts), on the
 * store's own database in this thread, first asks (a cold buffer cache, as after the index opens)
 * and repeats. Each round opens the database anew.
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/chatStages.ts --index-dir DIR [--rounds N]
 */
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CodeHashEmbedder } from '../src/main/core/inference/codeHashEmbedder'
import { processQuery } from '../src/main/core/index/query'
import { IndexDb } from '../src/main/core/index/store/indexDb'
import { QUESTIONS } from './chatQuestions'

const { values } = parseArgs({ options: { 'index-dir': { type: 'string' }, rounds: { type: 'string' } } })
const DIR = values['index-dir']
if (!DIR) throw new Error('--index-dir is required')
const ROUNDS = Number(values.rounds ?? 1)
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return +(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN).toFixed(2)
}
const stats = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95) })

const emb = new CodeHashEmbedder()
const out: Record<string, unknown>[] = []
{
  // The index's upkeep first (the vector index built in steps), as the app runs it once the
  // backlog is empty, so that every round measures the finished index.
  const { db } = await IndexDb.open(join(DIR, 'db'))
  while (await db.vectors.needsIndex()) await db.vectors.maintainStep()
  await db.close()
}
for (let r = 0; r < ROUNDS; r++) {
  const t0 = performance.now()
  const { db } = await IndexDb.open(join(DIR, 'db'))
  const openMs = performance.now() - t0
  // What the app does after its scan at open: GIN's pending list merged, the cache fitted.
  const t1 = performance.now()
  await db.refreshTermStatsStep(true)
  const fitMs = performance.now() - t1
  // The cache warm-up the fit started, if this build has one (it runs in the background): the
  // stages are measured on the warmed cache.
  const cache = (db as unknown as { cache: { warming?: Promise<unknown> | null; lastWarm?: unknown } }).cache
  await cache.warming
  const times = {
    first: { fts: [] as number[], vec: [] as number[], texts: [] as number[] },
    repeat: { fts: [] as number[], vec: [] as number[], texts: [] as number[] },
  }
  for (let i = 0; i < 2 * QUESTIONS.length; i++) {
    const q = QUESTIONS[i % QUESTIONS.length] ?? ''
    const t = i < QUESTIONS.length ? times.first : times.repeat
    const pq = processQuery(q)
    let s = performance.now()
    const fts = await db.searchFts({ terms: pq.terms, limit: 96, filter: {} })
    t.fts.push(performance.now() - s)
    const [v] = await emb.embed([q])
    s = performance.now()
    const near = await db.vectors.nearest(Array.from(v ?? []), 96)
    t.vec.push(performance.now() - s)
    s = performance.now()
    await db.chunkTexts(
      fts.slice(0, 12).map((h) => h.id),
      near.slice(0, 6).map((n) => n.hash),
    )
    t.texts.push(performance.now() - s)
  }
  const cacheMb = db.stats().cacheMb
  await db.close()
  out.push({
    round: r,
    openMs: Math.round(openMs),
    fitMs: Math.round(fitMs),
    warm: cache.lastWarm ?? null,
    cacheMb,
    first: { fts: stats(times.first.fts), vec: stats(times.first.vec), texts: stats(times.first.texts) },
    repeat: { fts: stats(times.repeat.fts), vec: stats(times.repeat.vec), texts: stats(times.repeat.texts) },
    load1m: +(loadavg()[0] ?? NaN).toFixed(2),
  })
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`)
