/**
 * What a search waits while the vector index is built: a real tree (bench/realTree.ts) indexed with
 * the default embedder, and a hybrid search issued every 200 ms from the end of the full-text scan
 * until fully embedded. Reports each search's latency by the embedding state when it was issued
 * (running, building, …), time to fully embedded, time spent 'building', peak RSS, load average.
 * `--src` picks the source tree to run (another checkout of Hearth, e.g. an earlier commit's
 * `git archive` beside this node_modules): the same script measures before and after in one session,
 * runs alternating. Prints JSON.
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/upkeepWait.ts [--files 10000] [--src DIR] [--tree DIR]
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import type { CodeHashEmbedder as Embedder } from '../src/main/core/inference/codeHashEmbedder'
import type { WorkspaceIndex as Index } from '../src/main/core/index/workspaceIndex'
import { copyTree, realSources } from './realTree'

const { values } = parseArgs({
  options: { files: { type: 'string' }, src: { type: 'string' }, tree: { type: 'string' } },
})
const files = Number(values.files ?? 10_000)
const src = resolve(values.src ?? join(import.meta.dirname, '..'))
const tree = resolve(values.tree ?? join(tmpdir(), `hearth-upkeep-tree-${files}`))
if (!existsSync(tree)) {
  mkdirSync(tree, { recursive: true })
  copyTree(realSources(files), tree)
}
const mod = async <T>(p: string): Promise<T> => (await import(pathToFileURL(join(src, p)).href)) as T
const { WorkspaceIndex } = await mod<{ WorkspaceIndex: typeof Index }>(
  'src/main/core/index/workspaceIndex.ts',
)
const { CodeHashEmbedder } = await mod<{ CodeHashEmbedder: typeof Embedder }>(
  'src/main/core/inference/codeHashEmbedder.ts',
)

const QUERIES = [
  'parse options',
  'read file stream',
  'error handler callback',
  'promise resolve',
  'buffer encoding',
]
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0)
}

const dbDir = mkdtempSync(join(tmpdir(), 'hearth-upkeep-db-'))
let peak = 0
const rss = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100)
let state = 'none'
let buildingSince = 0
let buildingMs = 0
const idx = await WorkspaceIndex.open({
  root: tree,
  dbDir,
  embedder: new CodeHashEmbedder(),
  onEmbedState: (s) => {
    if (s.status === 'building' && state !== 'building') buildingSince = performance.now()
    if (s.status !== 'building' && state === 'building') buildingMs += performance.now() - buildingSince
    state = s.status
  },
})
const scan = await idx.fullScan()
const t0 = performance.now()
let done = false
const drained = idx.waitForEmbeddings().then(() => (done = true))
const waits: Record<string, number[]> = {}
const modes: Record<string, number> = {}
for (let i = 0; !done; i++) {
  const during = state
  const q0 = performance.now()
  const r = await idx.search(QUERIES[i % QUERIES.length] ?? '', { limit: 10 })
  ;(waits[during] ??= []).push(performance.now() - q0)
  modes[`${during}:${r.mode}`] = (modes[`${during}:${r.mode}`] ?? 0) + 1
  await new Promise((res) => setTimeout(res, 200))
}
await drained
const embeddedMs = performance.now() - t0
const st = await idx.stats()
await idx.close()
clearInterval(rss)
rmSync(dbDir, { recursive: true, force: true })
const by = Object.fromEntries(
  Object.entries(waits).map(([k, v]) => [
    k,
    { searches: v.length, p50: pct(v, 50), p95: pct(v, 95), max: pct(v, 100) },
  ]),
)
console.log(
  JSON.stringify({
    src,
    files: scan.indexed,
    chunks: st.chunks,
    embeddedAfterScanMs: Math.round(embeddedMs),
    buildingMs: Math.round(buildingMs),
    peakRssMb: Math.round(peak / 2 ** 20),
    searchWaitMs: by,
    modes,
    loadavg: loadavg().map((x) => +x.toFixed(2)),
  }),
)
