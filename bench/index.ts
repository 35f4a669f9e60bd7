/**
 * Index speed on a large real tree: the JS/TS sources (and their .md/.json) under the project's own node_modules,
 * copied into a temp workspace (folder names the ignore rules would skip, like dist/ and nested
 * node_modules/, are renamed so that the files count). Prints JSON.
 *
 * Measures: files/s to full-text-searchable and to fully embedded (including the HNSW build when
 * the vector count calls for it), save-to-searchable latency through the real watcher, hybrid
 * query p50/p95 at ~10k and at the full size (aim ≥100k chunks), main-thread event-loop delay
 * p99 while indexing, peak RSS (main + worker: one process), the data directory's size, and search
 * latency while the term statistics are recounted.
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/index.ts [--files N] [--small-chunks N] [--queries N]
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { CodeHashEmbedder } from '../src/main/core/inference/codeHashEmbedder'
import { INDEX_FROM_ROWS } from '../src/main/core/index/store/vectorSteps'
import { WorkspaceIndex } from '../src/main/core/index/workspaceIndex'
import { WorkspaceWatcher } from '../src/main/core/files/workspaceWatcher'
import { IgnoreRules } from '../src/main/core/files/ignoreRules'
import { copyTree, realSources, relOf } from './realTree'

const { values } = parseArgs({
  options: {
    files: { type: 'string' },
    'small-chunks': { type: 'string' },
    queries: { type: 'string' },
    'small-only': { type: 'boolean' },
  },
})
const maxFiles = Number(values.files ?? 14_000)
const smallChunks = Number(values['small-chunks'] ?? 10_000)
const nQueries = Number(values.queries ?? 60)

// Sources plus the docs and manifests beside them (README.md, package.json): a real tree, and
// enough of it for ~100k chunks.
const picked = realSources(maxFiles)

const base = mkdtempSync(join(tmpdir(), 'hearth-bench-index-'))

class SmallOnly extends Error {}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return +(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(1)
}

const QUERIES = [
  'parse json configuration file',
  'read file contents as string',
  'http request with retry and timeout',
  'remove event listener',
  'create element and append child',
  'deep clone object',
  'debounce function calls',
  'convert string to camel case',
  'resolve module path',
  'compare two semantic versions',
  'escape html entities',
  'merge options with defaults',
  'iterate over object keys',
  'hash string sha256',
  'format date as iso string',
  'throw error when argument invalid',
  'walk directory recursively',
  'watch file changes',
  'emit event to listeners',
  'serialize to json with indentation',
  'split identifier into words',
  'initialize database connection',
  'encode base64',
  'check if value is plain object',
  'sort array by key',
  'source map mapping',
  'tokenize input text',
  'abort signal cancel request',
  'promise all settled',
  'validate schema type',
]

interface Phase {
  files: number
  chunks: number
  openMs: number
  ftsSearchableMs: number
  embeddedMs: number
  filesPerSecFts: number
  filesPerSecEmbedded: number
  eventLoopDelayP99Ms: number
  eventLoopDelayMaxMs: number
  peakRssMb: number
  hybrid: { p50: number; p95: number }
  fts: { p50: number; p95: number }
  vector: { p50: number; p95: number }
  vectorIndex: string
  /** Postgres' buffer caches the store sized itself to, both databases (PgCache). */
  cacheMb: number
  /**
   * The index's data directory on disk once embedded: all of it, the full-text database's WAL,
   * and the vector database.
   */
  diskMb: { total: number; wal: number; pg: number }
  /**
   * Hybrid searches issued while the vector worker builds its HNSW index (every 250 ms): answered
   * from full text (the mode they ran in is counted) instead of waiting minutes for the build.
   */
  searchDuringVectorIndexBuild: { searches: number; p50: number; max: number; modes: Record<string, number> }
}

function dirBytes(dir: string): number {
  let n = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    n += e.isDirectory() ? dirBytes(p) : e.isFile() ? statSync(p).size : 0
  }
  return n
}
const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024)

async function indexAndMeasure(root: string, label: string): Promise<{ phase: Phase; idx: WorkspaceIndex }> {
  let peak = 0
  const rss = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100)
  const h = monitorEventLoopDelay({ resolution: 10 })
  const t0 = performance.now()
  const dbDir = join(base, `db-${label}`)
  const idx = await WorkspaceIndex.open({
    root,
    dbDir,
    embedder: new CodeHashEmbedder(),
  })
  const openMs = performance.now() - t0
  h.enable()
  const t1 = performance.now()
  const scan = await idx.fullScan()
  const fts = performance.now() - t1
  process.stderr.write(
    `[${label}] ${scan.indexed} files, ${scan.chunks} chunks searchable in ${Math.round(fts)} ms; embedding…\n`,
  )
  let embedding = true
  const duringBuild: number[] = []
  const modes: Record<string, number> = {}
  const poll = (async () => {
    while (embedding) {
      if ((await idx.stats()).vectorIndexBuilding) {
        const q0 = performance.now()
        const r = await idx.search(QUERIES[duringBuild.length % QUERIES.length] ?? '', { mode: 'hybrid' })
        duringBuild.push(performance.now() - q0)
        modes[r.mode] = (modes[r.mode] ?? 0) + 1
      }
      await new Promise((r2) => setTimeout(r2, 250))
    }
  })()
  await idx.waitForEmbeddings()
  const embedded = performance.now() - t1
  embedding = false
  await poll
  h.disable()
  clearInterval(rss)
  const st = await idx.stats()
  const lat = async (mode: 'hybrid' | 'fts' | 'vector'): Promise<{ p50: number; p95: number }> => {
    const t: number[] = []
    for (let i = 0; i < nQueries; i++) {
      const q = QUERIES[i % QUERIES.length] ?? ''
      const q0 = performance.now()
      await idx.search(q, { mode })
      t.push(performance.now() - q0)
    }
    return { p50: pct(t, 50), p95: pct(t, 95) }
  }
  await lat('hybrid') // warm-up
  const phase: Phase = {
    files: st.files,
    chunks: st.chunks,
    openMs: Math.round(openMs),
    ftsSearchableMs: Math.round(fts),
    embeddedMs: Math.round(embedded),
    filesPerSecFts: Math.round(scan.indexed / (fts / 1000)),
    filesPerSecEmbedded: Math.round(scan.indexed / (embedded / 1000)),
    eventLoopDelayP99Ms: +(h.percentile(99) / 1e6).toFixed(1),
    eventLoopDelayMaxMs: +(h.max / 1e6).toFixed(1),
    peakRssMb: Math.round(peak / 1024 / 1024),
    hybrid: await lat('hybrid'),
    fts: await lat('fts'),
    vector: await lat('vector'),
    vectorIndex: st.chunks >= INDEX_FROM_ROWS ? 'ivfflat' : 'exact scan',
    cacheMb: st.cacheMb,
    diskMb: {
      total: mb(dirBytes(dbDir)),
      wal: mb(dirBytes(join(dbDir, 'pg', 'pg_wal'))),
      // The vectors share the one database (schema 7); its embeddings table's share is not split out.
      pg: mb(dirBytes(join(dbDir, 'pg'))),
    },
    searchDuringVectorIndexBuild: {
      searches: duringBuild.length,
      p50: pct(duringBuild, 50),
      max: pct(duringBuild, 100),
      modes,
    },
  }
  return { phase, idx }
}

const out: Record<string, unknown> = {
  sourceFiles: picked.length,
  machine: { cpus: (await import('node:os')).cpus().length },
}
try {
  // Small: enough files for ~smallChunks chunks (≈6 chunks per file on this tree; trimmed after).
  const smallRoot = join(base, 'small')
  copyTree(picked.slice(0, Math.ceil(smallChunks / 6)), smallRoot)
  const small = await indexAndMeasure(smallRoot, 'small')
  out.small = small.phase
  await small.idx.close()
  if (values['small-only']) throw new SmallOnly()

  const bigRoot = join(base, 'big')
  copyTree(picked, bigRoot)
  const big = await indexAndMeasure(bigRoot, 'big')
  out.big = big.phase

  // Save-to-searchable through the real watcher: edit a file, poll search until it shows up.
  const rules = new IgnoreRules(bigRoot)
  const watcher = new WorkspaceWatcher({ root: bigRoot, rules })
  watcher.onChanges((batch) => void big.idx.applyChanges(batch))
  await watcher.ready
  const target = relOf(picked[0] ?? '')
  const saves: number[] = []
  for (let i = 0; i < 10; i++) {
    const word = `zqxSaveMarker${i}Fn`
    const t0 = performance.now()
    writeFileSync(join(bigRoot, target), `export function ${word}(): number {\n  return ${i}\n}\n`)
    for (;;) {
      const r = await big.idx.search(word, { mode: 'fts', limit: 1 })
      if (r.results[0]?.path === target) break
      if (performance.now() - t0 > 10_000) break
      await new Promise((r2) => setTimeout(r2, 10))
    }
    saves.push(performance.now() - t0)
    await new Promise((r2) => setTimeout(r2, 300))
  }
  out.saveToSearchableMs = { p50: pct(saves, 50), p95: pct(saves, 95), max: pct(saves, 100) }

  // Searches while the term statistics are recounted (what a first index or a branch switch
  // ends with): the recount runs in steps and the store answers searches between them.
  const recount0 = performance.now()
  let recounting = true
  const recount = (async () => {
    while (!(await big.idx.store.call('refreshTermStatsStep', { ifStale: false })).done);
    recounting = false
  })()
  const during: number[] = []
  while (recounting) {
    const q0 = performance.now()
    await big.idx.search(QUERIES[during.length % QUERIES.length] ?? '', { mode: 'hybrid' })
    during.push(performance.now() - q0)
    await new Promise((r2) => setTimeout(r2, 50))
  }
  await recount
  out.searchDuringTermStatsRecount = {
    recountMs: Math.round(performance.now() - recount0),
    searches: during.length,
    p50: pct(during, 50),
    max: pct(during, 100),
  }
  await watcher.dispose()
  await big.idx.close()
} catch (err) {
  if (!(err instanceof SmallOnly)) throw err
} finally {
  rmSync(base, { recursive: true, force: true })
}
console.log(JSON.stringify(out, null, 1))
