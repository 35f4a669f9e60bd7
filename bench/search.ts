/**
 * Search quality on the shared code-search benchmark (CodeSearchNet method: doc-comment sentence →
 * the file defining that function, comments stripped from the indexed copy). Scores every mode and
 * both fusions, and the MiniSearch peer (BM25 over whole files, as ../shared/bench/search/
 * peer-minisearch.mjs does it) in the same process. Prints JSON.
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/search.ts [--dir DIR] [--kit DIR]
 *   --kit  the benchmark kit (default ../shared/bench/search)
 *   --dir  where the corpus is built (default $TMPDIR/hearth-searchbench; reused when present)
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { CodeHashEmbedder } from '../src/main/core/inference/codeHashEmbedder'
import type { SearchOptions } from '../src/main/core/index/hybridSearch'
import { WorkspaceIndex } from '../src/main/core/index/workspaceIndex'

const { values } = parseArgs({ options: { dir: { type: 'string' }, kit: { type: 'string' } } })
const kit = resolve(values.kit ?? join(import.meta.dirname, '..', '..', 'shared', 'bench', 'search'))
const dir = resolve(values.dir ?? join(tmpdir(), 'hearth-searchbench'))

if (!existsSync(join(dir, 'queries.jsonl'))) {
  process.stderr.write(`building the corpus in ${dir} (installs pinned npm packages)…\n`)
  execFileSync(process.execPath, [join(kit, 'make-corpus.mjs'), dir], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
}

interface Item {
  query: string
  target: string
}
type Scored = { n: number; mrr10: number; recall1: number; recall10: number }
const { score } = (await import(pathToFileURL(join(kit, 'score.mjs')).href)) as {
  score: (items: Item[], ranked: string[][]) => Scored
}
const items = readFileSync(join(dir, 'queries.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Item)
const ws = join(dir, 'workspace')

const out: Record<string, unknown> = { kit, corpus: dir, queries: items.length }

// --- the peer, exactly as peer-minisearch.mjs runs it ---
{
  type MiniSearchCtor = {
    new (o: object): { addAll(d: object[]): void; search(q: string, o: object): { id: string }[] }
    getDefault(k: string): (s: string) => string[]
  }
  const MiniSearch = createRequire(join(dir, 'pkgs', 'node_modules', 'x.js'))('minisearch') as MiniSearchCtor
  const docs: { id: string; text: string }[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else docs.push({ id: relative(ws, p).split(sep).join('/'), text: readFileSync(p, 'utf8') })
    }
  }
  walk(ws)
  const split = (s: string): string =>
    s
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .replace(/[_$]/g, ' ')
  const peers: Record<string, unknown> = {}
  for (const [name, opts] of Object.entries({
    default: {},
    identifiers: { tokenize: (s: string) => MiniSearch.getDefault('tokenize')(split(s)) },
  })) {
    const ms = new MiniSearch({ fields: ['text', 'id'], storeFields: [], ...opts })
    ms.addAll(docs)
    const t0 = performance.now()
    const ranked = items.map((it) =>
      ms
        .search(it.query, { fuzzy: false })
        .slice(0, 10)
        .map((r) => r.id),
    )
    peers[name] = {
      ...score(items, ranked),
      msPerQuery: +((performance.now() - t0) / items.length).toFixed(2),
    }
  }
  out.peerMiniSearch = peers
}

// --- Hearth ---
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
  const runs: [string, Partial<SearchOptions>][] = [
    ['fts', { mode: 'fts' }],
    ['vector', { mode: 'vector' }],
    ['hybrid_rrf', { mode: 'hybrid', fusion: 'rrf' }],
    ['hybrid_weighted', { mode: 'hybrid', fusion: 'weighted' }],
  ]
  const modes: Record<string, unknown> = {}
  for (const [name, opts] of runs) {
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
console.log(JSON.stringify(out, null, 1))
