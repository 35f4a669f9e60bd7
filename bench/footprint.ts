/**
 * Footprint of the index (`npm run bench:footprint`, after `npm run build`): memory, disk and time
 * on real trees, Hearth beside the peers of issue 26 in the same run, engines taking turns. Prints
 * JSON (and writes it to BENCH_OUT when set).
 *
 * Per tree and run:
 *  - hearth, full text: `hearth index --embedder none` (a new index): wall = time to FTS-searchable
 *    from a cold start, peak RSS of the process, data dir (bytes, files);
 *  - hearth, embedded: `hearth index --embedder hash` (a new index, waits for the vectors and
 *    the HNSW build): wall = time to fully embedded, peak RSS, data dir with vectors;
 *  - hearth search: one `hearth search` process (cold: it opens the index itself) on the embedded
 *    index, hybrid and fts: wall and peak RSS; `hearth --help` beside it;
 *  - hearth serve idle: `hearth serve` on the indexed folder, resident memory once it is idle
 *    (median of samples 20–30 s after its index socket appeared), first run of each tree only;
 *  - peers, each its own plain `node -e` process (PEER): SQLite FTS5 (better-sqlite3) with the trigram and the word
 *    (unicode61) tokenizer, and MiniSearch (its index saved as JSON): one row / document per file.
 *
 * The first database made on a machine runs initdb and leaves the template every later one is copied
 * from: that happens once, before the trees, and is reported on its own (`warmUp`). Every measured
 * run checks that the template was not made again meanwhile (`templateRemade`, which must be 0: a
 * row that ran initdb measures initdb, ≈0.75–1.2 GB, not an index).
 *
 * Peak RSS is the process's high-water mark (/usr/bin/time -f %M; Linux). Trees: `small` (a
 * 74-file package: tsconfig-paths), `zod` (zod's 840 files), `10k` (bench/realTree.ts: 10,000
 * JS/TS/MD/JSON files from node_modules). BENCH_TREES=small,zod,10k picks them (default
 * small,zod); BENCH_RUNS (default 3) runs each, the 10k tree BENCH_RUNS_10K (default 1).
 */
import { spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join, relative } from 'node:path'
import { indexSocketPaths } from '../src/main/core/index/cliSocket/socketPaths'
import { indexDirFor } from '../src/main/core/index/indexLocation'
import { copyTree, realSources } from './realTree'

const REPO = join(import.meta.dirname, '..')
/**
 * The CLI runs from a copy of the build (bin/, out/, package.json; node_modules linked), taken at
 * the start: a rebuild of out/ during the run (other work in the same checkout) broke it mid-way.
 */
const SNAPSHOT = mkdtempSync(join(tmpdir(), 'hearth-fp-build-'))
const CLI = join(SNAPSHOT, 'bin/hearth.js')
function snapshotBuild(): void {
  for (const p of ['bin', 'out/main', 'out/renderer', 'package.json'])
    cpSync(join(REPO, p), join(SNAPSHOT, p), { recursive: true })
  symlinkSync(join(REPO, 'node_modules'), join(SNAPSHOT, 'node_modules'))
}
const EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx|md|json)$/
const TARGETS = {
  peakRssIndexingMb: 450,
  serveIdleMb: 300,
  cliSearchMb: 250,
  cliSearchWarmMs: 400,
  smallDataDirMb: 5,
  diskVsSqliteTrigram: 1.2,
  embeddedVsSearchable: 2.5,
  searchable800Ms: 1500,
}

interface Proc {
  wallMs: number
  peakMb: number
  out: string
}

/** Runs `node args…` under /usr/bin/time: wall time and the process's peak RSS. */
function runNode(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Proc> {
  const timeFile = join(tmpdir(), `hearth-fp-time-${process.pid}-${Math.random().toString(36).slice(2)}`)
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, process.execPath, ...args], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const wallMs = performance.now() - t0
      const kb = Number(/(\d+)\s*$/.exec(readFileSync(timeFile, 'utf8'))?.[1] ?? NaN)
      rmSync(timeFile, { force: true })
      if (code !== 0)
        return reject(new Error(`${args.slice(0, 3).join(' ')} exited ${code}: ${err.slice(-2000)}`))
      resolve({ wallMs, peakMb: kb / 1024, out })
    })
  })
}

function dirUsage(dir: string): { mb: number; files: number } {
  let bytes = 0
  let files = 0
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue
    bytes += statSync(join(e.parentPath, e.name)).size
    files++
  }
  return { mb: bytes / 2 ** 20, files }
}

function filesOf(ws: string): string[] {
  return readdirSync(ws, { recursive: true, withFileTypes: true })
    .filter(
      (e) =>
        e.isFile() &&
        EXT.test(e.name) &&
        !relative(ws, e.parentPath)
          .split('/')
          .some((s) => s.startsWith('.')),
    )
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => statSync(f).size < 1024 * 1024)
}

// ---- the peers: plain Node (no tsx loader in their memory), one process each ----

/** argv: engine, workspace, out dir, then the files (JSON in a file). Prints {files, ms}. */
const PEER = `
const { createRequire } = require('node:module')
const { readFileSync, writeFileSync } = require('node:fs')
const { join, relative } = require('node:path')
const [engine, ws, outDir, listFile] = process.argv.slice(1)
const req = createRequire(${JSON.stringify(join(REPO, 'package.json'))})
const t0 = performance.now()
const files = JSON.parse(readFileSync(listFile, 'utf8'))
const run = async () => {
  if (engine === 'minisearch') {
    const { default: MiniSearch } = await import(req.resolve('minisearch'))
    const ms = new MiniSearch({ fields: ['path', 'body'], storeFields: ['path'] })
    ms.addAll(files.map((f, id) => ({ id, path: relative(ws, f), body: readFileSync(f, 'utf8') })))
    writeFileSync(join(outDir, 'index.json'), JSON.stringify(ms))
  } else {
    const Database = req('better-sqlite3')
    const db = new Database(join(outDir, 'index.sqlite'))
    db.pragma('journal_mode = WAL')
    const tokenize = engine === 'sqlite-trigram' ? 'trigram' : 'unicode61'
    db.exec("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, body, tokenize='" + tokenize + "')")
    const ins = db.prepare('INSERT INTO docs (path, body) VALUES (?, ?)')
    db.transaction(() => { for (const f of files) ins.run(relative(ws, f), readFileSync(f, 'utf8')) })()
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
  }
  process.stdout.write(JSON.stringify({ files: files.length, ms: Math.round(performance.now() - t0) }))
}
run()
`

// ---- the measurements ----

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m?.[1] ? Number(m[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

/** `hearth serve` on an indexed folder: resident memory once idle (samples 20–30 s after its socket). */
async function serveIdle(ws: string, dataDir: string): Promise<{ idleMb: number; samples: number[] }> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--workspace', ws, '--port', '0', '--data-dir', dataDir],
    {
      cwd: REPO,
      env: { ...process.env, HEARTH_DATA_DIR: dataDir },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  )
  try {
    const socket = indexSocketPaths(indexDirFor(ws, dataDir)).socket
    for (let i = 0; i < 1200 && !existsSync(socket); i++) await sleep(100)
    await sleep(20_000)
    const samples: number[] = []
    for (let i = 0; i < 10; i++) {
      const r = rssMb(child.pid ?? -1)
      if (r !== undefined) samples.push(Math.round(r))
      await sleep(1000)
    }
    return { idleMb: median(samples), samples }
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2
}
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? NaN
}
const round = (n: number): number => Math.round(n * 10) / 10
function summary(xs: number[]): { median: number; p95: number; n: number } {
  return { median: round(median(xs)), p95: round(p95(xs)), n: xs.length }
}

type Sample = Record<string, number>

/** The template's file in `cacheDir` and its last change (null: there is none). */
function templateStamp(cacheDir: string): string | null {
  const name = readdirSync(cacheDir).find((n) => /^pglite-template-.*\.tar$/.test(n))
  return name ? `${name}@${statSync(join(cacheDir, name)).mtimeMs}` : null
}

async function measureTree(
  name: string,
  ws: string,
  runs: number,
  serve: boolean,
  cacheDir: string,
): Promise<Record<string, unknown>> {
  const samples: Record<string, Sample[]> = {}
  const add = (k: string, s: Sample): void => void (samples[k] ??= []).push(s)
  let serveResult: Awaited<ReturnType<typeof serveIdle>> | null = null
  // The peers index the files Hearth would (same extensions, under 1 MB, no dot-folders).
  const listFile = join(tmpdir(), `hearth-fp-files-${process.pid}-${name}.json`)
  writeFileSync(listFile, JSON.stringify(filesOf(ws)))
  const loads: number[] = []
  const template = templateStamp(cacheDir)
  let templateRemade = 0
  for (let r = 0; r < runs; r++) {
    loads.push(loadavg()[0] ?? 0)
    const base = mkdtempSync(join(tmpdir(), `hearth-fp-${name}-`))
    try {
      const env = { ...process.env, HEARTH_DATA_DIR: join(base, 'data'), HEARTH_CACHE_DIR: cacheDir }
      // The engines take turns inside each run, so load from other processes spreads over all.
      const fts = await runNode(
        [CLI, 'index', ws, '--db', join(base, 'fts'), '--embedder', 'none', '--json'],
        env,
      )
      const ftsDisk = dirUsage(join(base, 'fts'))
      add('hearthFullText', {
        wallMs: fts.wallMs,
        peakMb: fts.peakMb,
        diskMb: ftsDisk.mb,
        files: ftsDisk.files,
      })
      for (const engine of ['sqlite-trigram', 'sqlite-word', 'minisearch']) {
        const out = join(base, engine)
        mkdirSync(out)
        const p = await runNode(['-e', PEER, engine, ws, out, listFile])
        const disk = dirUsage(out)
        add(engine, { wallMs: p.wallMs, peakMb: p.peakMb, diskMb: disk.mb, files: disk.files })
      }
      // A new index in the user data dir (where `hearth serve` and `hearth search` find it).
      const emb = await runNode([CLI, 'index', ws, '--embedder', 'hash', '--json'], env)
      const indexDir = indexDirFor(ws, join(base, 'data'))
      const embDisk = dirUsage(indexDir)
      add('hearthEmbedded', {
        wallMs: emb.wallMs,
        peakMb: emb.peakMb,
        diskMb: embDisk.mb,
        files: embDisk.files,
      })
      for (const [mode, q] of [
        ['hybrid', 'parse the options object'],
        ['fts', 'resolve module path'],
      ] as const) {
        const s = await runNode([CLI, 'search', '--workspace', ws, '--mode', mode, '--json', q], env)
        add(`hearthSearch_${mode}`, { wallMs: s.wallMs, peakMb: s.peakMb })
      }
      const help = await runNode([CLI, '--help'], env)
      add('hearthHelp', { wallMs: help.wallMs, peakMb: help.peakMb })
      if (serve && r === 0) serveResult = await serveIdle(ws, join(base, 'data'))
      if (templateStamp(cacheDir) !== template) templateRemade++
    } finally {
      rmSync(base, { recursive: true, force: true })
    }
  }
  rmSync(listFile, { force: true })
  const out: Record<string, unknown> = {
    tree: name,
    files: filesOf(ws).length,
    runs,
    loadavg1: loads.map(round),
    templateRemade,
  }
  for (const [k, list] of Object.entries(samples)) {
    const keys = Object.keys(list[0] ?? {})
    out[k] = Object.fromEntries(keys.map((key) => [key, summary(list.map((s) => s[key] ?? NaN))]))
  }
  if (serveResult) out.hearthServeIdle = serveResult
  return out
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'out/main/cli.js'))) throw new Error('run `npm run build` first')
  snapshotBuild()
  const trees = (process.env.BENCH_TREES ?? 'small,zod').split(',')
  const runs = Number(process.env.BENCH_RUNS ?? 3)
  const root = mkdtempSync(join(tmpdir(), 'hearth-fp-trees-'))
  const results: Record<string, unknown>[] = []
  const load0 = loadavg()[0] ?? 0
  // The first database made on a machine runs initdb and leaves the template every later one is
  // copied from (pgTemplate.ts): made here once, measured on its own, so the trees measure the
  // usual case (warmUp: the first index on a machine, initdb included).
  // One cache dir (where the template lives) for every run: a fresh HEARTH_DATA_DIR alone would
  // put a new, empty cache inside it, and every index would run initdb.
  const cacheDir = join(root, 'cache')
  mkdirSync(join(root, 'empty'))
  const warm = await runNode(
    [CLI, 'index', join(root, 'empty'), '--db', join(root, 'empty-db'), '--embedder', 'none'],
    { ...process.env, HEARTH_DATA_DIR: join(root, 'empty-data'), HEARTH_CACHE_DIR: cacheDir },
  )
  const firstDatabase = { wallMs: Math.round(warm.wallMs), peakMb: Math.round(warm.peakMb) }
  if (!templateStamp(cacheDir)) throw new Error(`the warm-up left no template in ${cacheDir}`)
  try {
    for (const t of trees) {
      const ws = join(root, t)
      if (t === 'small') cpSync(join(REPO, 'node_modules/tsconfig-paths'), ws, { recursive: true })
      else if (t === 'zod') cpSync(join(REPO, 'node_modules/zod'), ws, { recursive: true })
      else if (t === '10k') copyTree(realSources(10_000), ws)
      else throw new Error(`unknown tree ${t}`)
      const n = t === '10k' ? Number(process.env.BENCH_RUNS_10K ?? 1) : runs
      results.push(await measureTree(t, ws, n, true, cacheDir))
      process.stderr.write(`footprint: ${t} done\n`)
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
    rmSync(SNAPSHOT, { recursive: true, force: true })
  }
  const report = {
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadavg1: [load0, loadavg()[0] ?? 0].map(round),
    },
    targets: TARGETS,
    warmUp: firstDatabase,
    trees: results,
  }
  const json = JSON.stringify(report, null, 2)
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, json)
  process.stdout.write(`${json}\n`)
}

await main()
