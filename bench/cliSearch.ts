/**
 * `hearth search` wall time (`npm run bench:cli-search`, after `npm run build`): prints JSON.
 *  - warm: the folder is open in a running Hearth (`hearth serve`), which answers over its index
 *    socket (core/index/cliSocket); target ≤ 400 ms wall and ≤ 250 MB peak RSS (maxRssMb, from GNU
 *    time where /usr/bin/time exists);
 *  - cold: nobody holds the index, the CLI opens it itself (two PGlite databases in two workers);
 *  - the peers in the same run: `hearth --help` (the CLI's start alone) and `node -e 0`.
 * Each figure is the wall time of a whole `node bin/hearth.js …` process, as a shell sees it;
 * `queryMs` is what the search itself reported (`ms` of --json). Runs of the kinds alternate, so
 * load from other processes spreads over all of them. The workspace is a copy of this repository's
 * src/ (≈400 files), indexed once before timing.
 *
 * BENCH_BASELINE_CLI=<another checkout>/bin/hearth.js (built) times that version's cold search and
 * --help in the same rounds, on its own index of the same files (before/after in one run), and its
 * search while the server runs (warm) where it can talk to this version's server.
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { indexSocketPaths } from '../src/main/core/index/cliSocket/socketPaths'
import { indexDirFor } from '../src/main/core/index/indexLocation'
import { REPO_ROOT, removeDir, startServe, tempDir } from '../tests/helpers/serve'

const RUNS = Number(process.env.BENCH_RUNS ?? 10)
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5)
const QUERIES = ['retry with backoff', 'open the database worker', 'parse command line flags', 'socket token']
const TARGET_MS = 400
const TARGET_RSS_MB = 250
const GNU_TIME = '/usr/bin/time'
const RSS_MARK = 'HEARTH_BENCH_MAXRSS_KB='
const BASELINE = process.env.BENCH_BASELINE_CLI

interface Timed {
  wallMs: number
  queryMs?: number
  maxRssMb?: number
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const timed = existsSync(GNU_TIME)
    const [cmd, argv] = timed
      ? [GNU_TIME, ['-f', `${RSS_MARK}%M`, process.execPath, ...args]]
      : [process.execPath, args]
    const t0 = performance.now()
    const child = spawn(cmd, argv, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const wallMs = performance.now() - t0
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${err}`))
      const ms = args.includes('--json') ? (JSON.parse(out) as { ms?: number }).ms : undefined
      const rssKb = Number(
        err
          .split('\n')
          .find((l) => l.startsWith(RSS_MARK))
          ?.slice(RSS_MARK.length),
      )
      resolve({
        wallMs,
        ...(ms === undefined ? {} : { queryMs: ms }),
        ...(rssKb > 0 ? { maxRssMb: rssKb / 1024 } : {}),
      })
    })
  })
}

function stats(xs: number[]): { n: number; median: number; p95: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b)
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN
  const mid = Math.floor(s.length / 2)
  const median = s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
  const r = (n: number): number => Math.round(n)
  return { n: s.length, median: r(median), p95: r(at(0.95)), min: r(s[0] ?? NaN), max: r(s.at(-1) ?? NaN) }
}

function summary(ts: Timed[]): Record<string, unknown> {
  const q = ts.flatMap((t) => (t.queryMs === undefined ? [] : [t.queryMs]))
  const rss = ts.flatMap((t) => (t.maxRssMb === undefined ? [] : [t.maxRssMb]))
  return {
    wallMs: stats(ts.map((t) => t.wallMs)),
    ...(q.length ? { queryMs: stats(q) } : {}),
    ...(rss.length ? { maxRssMb: stats(rss) } : {}),
  }
}

async function main(): Promise<void> {
  const cli = join(REPO_ROOT, 'bin/hearth.js')
  if (!existsSync(join(REPO_ROOT, 'out/main/cli.js'))) throw new Error('run `npm run build` first')
  const dir = await tempDir('hearth-bench-cli-')
  const ws = join(dir, 'ws')
  const dataDir = join(dir, 'data')
  cpSync(join(REPO_ROOT, 'src'), ws, { recursive: true })
  const env = { ...process.env, HEARTH_DATA_DIR: dataDir }
  const search = (i: number, mode: string): string[] => [
    cli,
    'search',
    '--workspace',
    ws,
    '--mode',
    mode,
    '--json',
    QUERIES[i % QUERIES.length] ?? '',
  ]
  const load0 = loadavg()[0]
  // The baseline's own index (an older version may keep another format) of the same files.
  const baseEnv = { ...process.env, HEARTH_DATA_DIR: join(dir, 'baseline-data') }
  const base = { hybrid: [] as Timed[], fts: [] as Timed[], help: [] as Timed[], warm: [] as Timed[] }
  let baseBesideServer = 'not tried'
  try {
    await run([cli, 'index', ws], env)
    if (BASELINE) await run([BASELINE, 'index', ws], baseEnv)
    const help: Timed[] = []
    const node: Timed[] = []
    const cold = { hybrid: [] as Timed[], fts: [] as Timed[] }
    for (let i = 0; i < COLD_RUNS; i++) {
      cold.hybrid.push(await run(search(i, 'hybrid'), env))
      cold.fts.push(await run(search(i, 'fts'), env))
      help.push(await run([cli, '--help'], env))
      node.push(await run(['-e', '0'], env))
      if (BASELINE) {
        base.hybrid.push(await run([BASELINE, ...search(i, 'hybrid').slice(1)], baseEnv))
        base.fts.push(await run([BASELINE, ...search(i, 'fts').slice(1)], baseEnv))
        base.help.push(await run([BASELINE, '--help'], baseEnv))
      }
    }
    const served = await startServe({ workspace: ws, dataDir, timeoutMs: 120_000 })
    const warm = { hybrid: [] as Timed[], fts: [] as Timed[] }
    try {
      const socket = indexSocketPaths(indexDirFor(ws, dataDir)).socket
      for (let i = 0; i < 600 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 100))
      await run(search(0, 'hybrid'), env) // the server's first search warms its caches
      if (BASELINE)
        baseBesideServer = await run([BASELINE, ...search(0, 'hybrid').slice(1)], env).then(
          (t) => `answered in ${Math.round(t.wallMs)} ms`,
          (err: unknown) =>
            `failed: ${(err as Error).message.split('\n').find((l) => l.includes('in use')) ?? 'error'}`,
        )
      const baseWarm = BASELINE !== undefined && baseBesideServer.startsWith('answered')
      for (let i = 0; i < RUNS; i++) {
        if (baseWarm) base.warm.push(await run([BASELINE, ...search(i, 'hybrid').slice(1)], env))
        warm.hybrid.push(await run(search(i, 'hybrid'), env))
        warm.fts.push(await run(search(i, 'fts'), env))
        help.push(await run([cli, '--help'], env))
        node.push(await run(['-e', '0'], env))
      }
    } finally {
      await served.stop()
    }
    const warmMedian = stats(warm.hybrid.map((t) => t.wallMs)).median
    const warmRss = warm.hybrid.flatMap((t) => (t.maxRssMb === undefined ? [] : [t.maxRssMb]))
    process.stdout.write(
      `${JSON.stringify(
        {
          machine: {
            cpus: cpus().length,
            loadavg1: [load0, loadavg()[0]].map((l) => Math.round((l ?? 0) * 10) / 10),
          },
          workspace: 'copy of src/',
          warm: { hybrid: summary(warm.hybrid), fts: summary(warm.fts) },
          cold: { hybrid: summary(cold.hybrid), fts: summary(cold.fts) },
          peers: { hearthHelp: summary(help), nodeBare: summary(node) },
          ...(BASELINE
            ? {
                baseline: {
                  cli: BASELINE,
                  ...(base.warm.length ? { warm: { hybrid: summary(base.warm) } } : {}),
                  cold: { hybrid: summary(base.hybrid), fts: summary(base.fts) },
                  hearthHelp: summary(base.help),
                  searchBesideServer: baseBesideServer,
                },
              }
            : {}),
          target: {
            warmMedianAtMostMs: TARGET_MS,
            warmRssAtMostMb: TARGET_RSS_MB,
            met: warmMedian <= TARGET_MS && warmRss.length > 0 && Math.max(...warmRss) <= TARGET_RSS_MB,
          },
        },
        null,
        2,
      )}\n`,
    )
  } finally {
    await removeDir(dir)
  }
}

await main()
