/**
 * Search quality per language (CodeSearchNet method: doc-comment sentence → the file defining it,
 * comments stripped from the indexed copy). The JavaScript set is the shared kit's public set; the
 * Python and Go sets are built the same way from pinned Debian source packages
 * (bench/searchCorpus/makeCorpus.ts). Each set is indexed on its own and scored in every mode and
 * fusion, with the MiniSearch peer (BM25 over whole files, as ../shared/bench/search/
 * peer-minisearch.mjs runs it) on the same files in the same run. Prints JSON.
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/search.ts [--dir DIR] [--langs-dir DIR] [--kit DIR] [--sets a,b]
 *   --kit        the benchmark kit (default ../shared/bench/search)
 *   --dir        where the JavaScript set is built (default $TMPDIR/hearth-searchbench; reused when present)
 *   --langs-dir  where the Python and Go sets are built (default $TMPDIR/hearth-searchbench-langs; reused)
 *   --sets       which sets to run (default javascript,python,go)
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { CodeHashEmbedder } from '../src/main/core/inference/codeHashEmbedder'
import type { SearchOptions } from '../src/main/core/index/hybridSearch'
import { WorkspaceIndex } from '../src/main/core/index/workspaceIndex'
import { buildSet, SETS } from './searchCorpus/makeCorpus'
import { runPeer, type Item, type MiniSearchCtor, type Scored } from './searchCorpus/peer'

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    'langs-dir': { type: 'string' },
    kit: { type: 'string' },
    sets: { type: 'string' },
  },
})
const kit = resolve(values.kit ?? join(import.meta.dirname, '..', '..', 'shared', 'bench', 'search'))
const jsDir = resolve(values.dir ?? join(tmpdir(), 'hearth-searchbench'))
const langsDir = resolve(values['langs-dir'] ?? join(tmpdir(), 'hearth-searchbench-langs'))
const wanted = (values.sets ?? 'javascript,python,go').split(',')

if (!existsSync(join(jsDir, 'queries.jsonl'))) {
  process.stderr.write(`building the JavaScript set in ${jsDir} (installs pinned npm packages)…\n`)
  execFileSync(process.execPath, [join(kit, 'make-corpus.mjs'), jsDir], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
}
const { score } = (await import(pathToFileURL(join(kit, 'score.mjs')).href)) as {
  score: (items: Item[], ranked: string[][]) => Scored
}
// The peer is installed with the kit's JavaScript set; every set uses that copy.
const MiniSearch = createRequire(join(jsDir, 'pkgs', 'node_modules', 'x.js'))('minisearch') as MiniSearchCtor

const readItems = (file: string): Item[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Item)

const RUNS: [string, Partial<SearchOptions>][] = [
  ['fts', { mode: 'fts' }],
  ['vector', { mode: 'vector' }],
  ['hybrid_rrf', { mode: 'hybrid', fusion: 'rrf' }],
  ['hybrid_weighted', { mode: 'hybrid', fusion: 'weighted' }],
]

async function runSet(ws: string, items: Item[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { queries: items.length }
  out.peerMiniSearch = runPeer(MiniSearch, ws, items, score)
  const t0 = performance.now()
  const idx = await WorkspaceIndex.open({ root: ws, dbDir: null, embedder: new CodeHashEmbedder() })
  try {
    const scan = await idx.fullScan()
    const ftsMs = performance.now() - t0
    await idx.waitForEmbeddings()
    const st = await idx.stats()
    out.index = {
      files: st.files,
      chunks: st.chunks,
      msToSearchable: Math.round(ftsMs),
      msToEmbedded: Math.round(performance.now() - t0),
      skipped: scan.skipped.length,
    }
    const modes: Record<string, unknown> = {}
    for (const [name, opts] of RUNS) {
      const times: number[] = []
      const ranked: string[][] = []
      for (const it of items) {
        const q0 = performance.now()
        // One result per file: the benchmark ranks files.
        const r = await idx.search(it.query, { ...opts, limit: 10, maxPerFile: 1 })
        times.push(performance.now() - q0)
        ranked.push(r.results.map((x) => x.path))
      }
      times.sort((a, b) => a - b)
      modes[name] = {
        ...score(items, ranked),
        p50ms: +(times[Math.floor(times.length / 2)] ?? 0).toFixed(1),
        p95ms: +(times[Math.floor(times.length * 0.95)] ?? 0).toFixed(1),
      }
    }
    out.hearth = modes
  } finally {
    await idx.close()
  }
  return out
}

const out: Record<string, unknown> = { kit, corpus: { javascript: jsDir, others: langsDir } }
for (const set of wanted) {
  if (set === 'javascript') {
    out.javascript = await runSet(join(jsDir, 'workspace'), readItems(join(jsDir, 'queries.jsonl')))
    continue
  }
  if (!SETS[set]) throw new Error(`unknown set ${set} (javascript, ${Object.keys(SETS).join(', ')})`)
  if (!existsSync(join(langsDir, set, 'queries.jsonl'))) {
    process.stderr.write(`building the ${set} set in ${langsDir} (downloads pinned Debian packages)…\n`)
    buildSet(langsDir, set)
  }
  out[set] = await runSet(join(langsDir, set, 'workspace'), readItems(join(langsDir, set, 'queries.jsonl')))
}
console.log(JSON.stringify(out, null, 1))
