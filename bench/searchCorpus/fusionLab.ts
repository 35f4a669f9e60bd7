/**
 * Fusion candidates scored on the per-language sets from one index per set: each query's full-text
 * and vector lists are fetched once (deep), then every candidate fusion ranks files from them.
 * For choosing a fusion; bench:search measures the one the product ships.
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/searchCorpus/fusionLab.ts [--sets a,b]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CodeHashEmbedder } from '../../src/main/core/inference/codeHashEmbedder'
import { processQuery } from '../../src/main/core/index/query'
import type { ChunkText, StoreHit } from '../../src/main/core/index/store/storeTypes'
import { WorkspaceIndex } from '../../src/main/core/index/workspaceIndex'
import { FUSIONS, type Lists } from './fusionCandidates'

const { values } = parseArgs({
  options: { sets: { type: 'string' }, cached: { type: 'boolean' }, dims: { type: 'string' } },
})
const sets = (values.sets ?? 'javascript,python,go').split(',')
const DEPTH = 100

interface Store {
  call(op: 'searchFts', a: object): Promise<StoreHit[]>
  call(op: 'vecNearest', a: object): Promise<{ hash: string; d: number }[]>
  call(op: 'chunkTexts', a: object): Promise<ChunkText[]>
}

const table: Record<string, Record<string, number>> = {}
for (const set of sets) {
  const dir =
    set === 'javascript'
      ? join(tmpdir(), 'hearth-searchbench')
      : join(tmpdir(), 'hearth-searchbench-langs', set)
  const items = readFileSync(join(dir, 'queries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { query: string; target: string })
  const cache = join(tmpdir(), `hearth-fusionlab-${set}-${values.dims ?? 256}.json`)
  if (values.cached && existsSync(cache)) {
    table[set] = scoreAll(JSON.parse(readFileSync(cache, 'utf8')) as Lists[])
    continue
  }
  const embedder = new CodeHashEmbedder({ dimensions: Number(values.dims ?? 256) })
  const idx = await WorkspaceIndex.open({ root: join(dir, 'workspace'), dbDir: null, embedder })
  const lists: Lists[] = []
  try {
    await idx.fullScan()
    await idx.waitForEmbeddings()
    const store = (idx as unknown as { store: Store }).store
    const pathOf = new Map<string, string>()
    const near = async (v: Float32Array): Promise<{ hash: string; d: number }[]> => {
      const r = await store.call('vecNearest', { vector: Array.from(v), k: DEPTH })
      const unknown = r.map((x) => x.hash).filter((h) => !pathOf.has(h))
      if (unknown.length)
        for (const t of await store.call('chunkTexts', { ids: [], hashes: unknown }))
          pathOf.set(t.hash, t.path)
      return r
    }
    const entries = (r: { hash: string; d: number }[]): Lists['vec'] =>
      r.map((x) => ({ key: x.hash, path: pathOf.get(x.hash) ?? '?', score: 1 - x.d }))
    for (const it of items) {
      const q = processQuery(it.query)
      const fts = await store.call('searchFts', { terms: q.terms, limit: DEPTH })
      const [v] = await embedder.embed([it.query])
      const vec = v ? await near(v) : []
      for (const h of fts) pathOf.set(h.hash, h.path)
      lists.push({
        target: it.target,
        fts: fts.map((h) => ({ key: h.hash, path: h.path, score: h.score })),
        vec: entries(vec),
      })
    }
  } finally {
    await idx.close()
  }
  writeFileSync(cache, JSON.stringify(lists))
  table[set] = scoreAll(lists)
}

function scoreAll(lists: Lists[]): Record<string, number> {
  const row: Record<string, number> = {}
  for (const [name, fuse] of Object.entries(FUSIONS)) {
    let rr = 0
    for (const l of lists) {
      const files: string[] = []
      for (const c of fuse(l)) if (!files.includes(c.path) && files.push(c.path) >= 10) break
      const rank = files.indexOf(l.target)
      if (rank >= 0) rr += 1 / (rank + 1)
    }
    row[name] = +(rr / lists.length).toFixed(4)
  }
  return row
}
const names = Object.keys(FUSIONS)
console.log(`fusion\t${sets.join('\t')}\tmin gain over best single`)
for (const n of names) {
  const cells = sets.map((s) => table[s]?.[n] ?? 0)
  const gain = Math.min(
    ...sets.map((s) => (table[s]?.[n] ?? 0) - Math.max(table[s]?.fts ?? 0, table[s]?.vector ?? 0)),
  )
  console.log(`${n}\t${cells.join('\t')}\t${gain.toFixed(4)}`)
}
