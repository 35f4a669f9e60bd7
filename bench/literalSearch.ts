/**
 * Literal search latency against ripgrep on a large real tree, with the index warm: the JS/TS
 * sources (and their .md/.json) under the project's own node_modules copied into a temp workspace
 * (folder names the ignore rules would skip are renamed so the files count, as bench/index.ts
 * does), indexed full-text first, then each query timed through LiteralSearch (the service
 * behind `search.literal`: the index's file list, worker threads) and through `rg` in the same
 * run, alternating. ripgrep's time is its process's wall time (spawn included), as a user would see
 * it; ours is the call's. Prints JSON.
 *
 * usage: npm run bench:literal -- [--files N] [--runs N]
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_IGNORED_NAMES, IgnoreRules } from '../src/main/core/files/ignoreRules'
import { LiteralSearch } from '../src/main/core/index/literal/literalSearch'
import { WorkspaceIndex } from '../src/main/core/index/workspaceIndex'

const { values } = parseArgs({ options: { files: { type: 'string' }, runs: { type: 'string' } } })
const maxFiles = Number(values.files ?? 12_000)
const runs = Number(values.runs ?? 15)
const repo = join(import.meta.dirname, '..')

const EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx|md|json)$/
function collect(dir: string, out: string[]): void {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) collect(p, out)
    else if (e.isFile() && EXT.test(e.name) && statSync(p).size < 1024 * 1024) out.push(p)
  }
}

/** One query as the panel's toggles say it, and the same search as rg flags. */
interface Query {
  name: string
  args: { query: string; regex?: boolean; caseSensitive?: boolean; wholeWord?: boolean }
  rg: string[]
}
const QUERIES: Query[] = [
  {
    name: 'exact, match case',
    args: { query: 'createElement', caseSensitive: true },
    rg: ['-F', 'createElement'],
  },
  { name: 'exact, any case', args: { query: 'readfilesync' }, rg: ['-i', '-F', 'readfilesync'] },
  {
    name: 'whole word, match case',
    args: { query: 'resolve', wholeWord: true, caseSensitive: true },
    rg: ['-w', '-F', 'resolve'],
  },
  {
    name: 'regex',
    args: { query: 'use[A-Z][a-z]+Effect', regex: true, caseSensitive: true },
    rg: ['use[A-Z][a-z]+Effect'],
  },
  {
    name: 'no match, any case',
    args: { query: 'xyzzy_nothing_here' },
    rg: ['-i', '-F', 'xyzzy_nothing_here'],
  },
]

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return +(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(1)
}
const median = (xs: number[]): number => pct(xs, 50)

async function main(): Promise<void> {
  const rgVersion = spawnSync('rg', ['--version'], { encoding: 'utf8' })
  if (rgVersion.status !== 0) throw new Error('ripgrep (rg) is not installed: apt-get install -y ripgrep')
  const sources: string[] = []
  collect(join(repo, 'node_modules'), sources)
  const picked = sources.slice(0, maxFiles)
  const root = mkdtempSync(join(tmpdir(), 'hearth-bench-literal-'))
  const dbDir = mkdtempSync(join(tmpdir(), 'hearth-bench-literal-db-'))
  for (const f of picked) {
    const rel = relative(join(repo, 'node_modules'), f)
      .split(sep)
      .map((s) => (DEFAULT_IGNORED_NAMES.has(s) || s.startsWith('.') ? `_${s}` : s))
      .join('/')
    const to = join(root, rel)
    mkdirSync(dirname(to), { recursive: true })
    copyFileSync(f, to)
  }
  const t0 = performance.now()
  const idx = await WorkspaceIndex.open({ root, dbDir, embedder: null, rules: new IgnoreRules(root) })
  const scan = await idx.fullScan()
  const indexMs = Math.round(performance.now() - t0)
  const indexed = (await idx.store.call('fileStates', {})).map((f) => f.path)
  const search = new LiteralSearch({
    root: () => root,
    rules: () => new IgnoreRules(root),
    includeSecretFiles: () => false,
    indexedPaths: () => Promise.resolve(indexed),
  })
  const results: Record<string, unknown>[] = []
  const allOurs: number[] = []
  const allRg: number[] = []
  try {
    // Warm-up: the threads started, the files in the page cache for both.
    for (const q of QUERIES) {
      await search.search({ ...q.args, maxMatches: 100_000 }, null)
      spawnSync('rg', ['-n', '--no-heading', '--hidden', ...q.rg, '.'], { cwd: root, stdio: 'ignore' })
    }
    for (const q of QUERIES) {
      const ours: number[] = []
      const rg: number[] = []
      let ourLines = 0
      let rgLines = 0
      let source = ''
      for (let i = 0; i < runs; i++) {
        const a = performance.now()
        const r = await search.search({ ...q.args, maxMatches: 100_000 }, null)
        ours.push(performance.now() - a)
        ourLines = (r.files ?? []).reduce((n, f) => n + f.lines.length, 0)
        source = r.source
        const b = performance.now()
        const out = spawnSync('rg', ['-n', '--no-heading', '--hidden', ...q.rg, '.'], {
          cwd: root,
          encoding: 'utf8',
          maxBuffer: 1 << 28,
        })
        rg.push(performance.now() - b)
        rgLines = out.stdout.split('\n').filter((l) => l !== '').length
      }
      allOurs.push(...ours)
      allRg.push(...rg)
      results.push({
        query: q.name,
        hearth: { median: median(ours), p95: pct(ours, 95), lines: ourLines, source },
        ripgrep: { median: median(rg), p95: pct(rg, 95), lines: rgLines },
        ratio: +(median(ours) / median(rg)).toFixed(2),
      })
    }
  } finally {
    await search.dispose()
    await idx.close()
    rmSync(root, { recursive: true, force: true })
    rmSync(dbDir, { recursive: true, force: true })
  }
  const report = {
    files: picked.length,
    indexedFiles: indexed.length,
    indexMs,
    scanSkipped: scan.skipped.length,
    runs,
    hearth: { median: median(allOurs), p95: pct(allOurs, 95) },
    ripgrep: { median: median(allRg), p95: pct(allRg, 95), version: rgVersion.stdout.split('\n')[0] },
    ratioOfMedians: +(median(allOurs) / median(allRg)).toFixed(2),
    target: 'hearth median ≤ 2 × ripgrep median (index warm)',
    queries: results,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
      memGiB: +(totalmem() / 2 ** 30).toFixed(1),
      loadavg: loadavg().map((x) => +x.toFixed(2)),
      node: process.version,
    },
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
}

await main()
