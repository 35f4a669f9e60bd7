/**
 * Where a model download's time and CPU go, beside curl on the same file in the same run: each
 * part of the model manager's download on its own against the bench mirror (bench/hubServer.ts,
 * its own process), runs rotating so no part always follows the same one.
 *
 * - curl: `curl -L -o` (its own process; CPU from /usr/bin/time);
 * - receive (node:http): the body through HttpClient.request, bytes dropped (the old path);
 * - receive: the download's body reader (bulkGet: socket reads into one reused buffer), dropped;
 * - receive+sha256: and hashed as they arrive, on the main thread;
 * - receive+sha256+write: into the HashingWriter instead (reads land in its ring; hash on its
 *   worker thread, writes on libuv's, periodic flushes, no final fsync);
 * - download: downloadHubFile (all of it: fsync, sha256 check, atomic move);
 * - fresh 64 KB buffers / one reused 64 KB buffer: no network, the memory side of the receive.
 *
 * For each: median MB/s, and median CPU ms per run of this process's main thread, its other threads
 * (the hashing thread, libuv writes and flushes, GC helpers) and the mirror process.
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/downloadParts.ts [--mb 256] [--runs 7]
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { downloadHubFile } from '../src/main/core/models/download'
import { requestHubFile } from '../src/main/core/models/hubRequest'
import { HashingWriter } from '../src/main/core/models/hashingWriter'
import { HttpClient } from '../src/main/core/net/httpClient'
import { procCpuMs, startHubProcess } from './hubProcess'

const { values } = parseArgs({ options: { mb: { type: 'string' }, runs: { type: 'string' } } })
const MB = Number(values.mb ?? 256)
const RUNS = Number(values.runs ?? 7)
const run = promisify(execFile)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

const cpuMs = procCpuMs
const threadsMs = (): Map<string, number> =>
  new Map(readdirSync('/proc/self/task').map((t) => [t, cpuMs(`/proc/self/task/${t}/stat`)]))

const hub = await startHubProcess(MB)
const url = hub.fileUrl
const http = new HttpClient()
let curlCpu = 0

/** The body through node:http (HttpClient.request), bytes dropped: what the download used before. */
async function receiveNodeHttp(): Promise<void> {
  let res = await http.request(url, { label: 'bench' })
  while (res.status === 302) {
    res.discard()
    res = await http.request(new URL(String(res.headers.location), url), { label: 'bench' })
  }
  for await (const chunk of res.body) void chunk
}

async function receive(dir: string, hash: boolean, write: boolean): Promise<void> {
  const { response } = await requestHubFile(http, url, { offset: 0, label: 'bench' })
  const h = createHash('sha256')
  const fh = write ? await open(join(dir, 'part'), 'w') : undefined
  const w = fh ? await HashingWriter.open(fh, 0) : undefined
  try {
    await response.pipe(
      w ?? {
        take: (b) => {
          if (hash) h.update(b)
          return true
        },
        ready: () => Promise.resolve(),
      },
    )
    await w?.finish()
    if (w) await w.digest()
    else h.digest()
  } finally {
    await w?.close()
    await fh?.close()
  }
}

const parts: Record<string, (dir: string) => Promise<unknown>> = {
  curl: async (dir) => {
    const { stderr } = await run('/usr/bin/time', [
      '-f',
      '%U %S',
      'curl',
      '-sSfL',
      '-o',
      join(dir, 'c'),
      url.href,
    ])
    const [u, s] = stderr.trim().split(/\s+/).map(Number)
    curlCpu = ((u ?? NaN) + (s ?? NaN)) * 1000
  },
  'receive (node:http)': () => receiveNodeHttp(),
  receive: (dir) => receive(dir, false, false),
  'receive+sha256': (dir) => receive(dir, true, false),
  'receive+sha256+write': (dir) => receive(dir, true, true),
  download: (dir) => downloadHubFile({ http, url, dir, fileName: 'big.gguf' }),
  // No network: touching as many freshly allocated 64 KB buffers as the receive path gets from
  // Node (one per socket read), against one reused buffer (what curl reads into).
  'fresh 64 KB buffers': () => {
    let keep: Buffer[] = []
    for (let i = 0; i < MB * 16; i++) {
      keep.push(Buffer.allocUnsafeSlow(65536).fill(i & 255))
      if (keep.length > 512) keep = []
    }
    return Promise.resolve()
  },
  'one reused 64 KB buffer': () => {
    const b = Buffer.allocUnsafeSlow(65536)
    for (let i = 0; i < MB * 16; i++) b.fill(i & 255)
    return Promise.resolve()
  },
}
const names = Object.keys(parts)
const stats = new Map(
  names.map((n) => [
    n,
    { mbps: [] as number[], main: [] as number[], other: [] as number[], mirror: [] as number[] },
  ]),
)
const load = loadavg()[0] ?? NaN
try {
  for (let i = 0; i < RUNS; i++) {
    for (const name of [...names.slice(i % names.length), ...names.slice(0, i % names.length)]) {
      const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-parts-'))
      try {
        const mirror0 = cpuMs(`/proc/${hub.pid}/stat`)
        const t0 = threadsMs()
        const p0 = cpuMs('/proc/self/stat')
        const t = performance.now()
        await parts[name]?.(dir)
        const s = stats.get(name)
        if (!s) continue
        s.mbps.push(MB / ((performance.now() - t) / 1000))
        const t1 = threadsMs()
        const main = String(process.pid)
        // The whole process less the main thread: threads that ended during the run (the hashing
        // thread) count too, which a sum over the live ones would miss.
        const other = cpuMs('/proc/self/stat') - p0 - ((t1.get(main) ?? 0) - (t0.get(main) ?? 0))
        s.main.push(name === 'curl' ? curlCpu : (t1.get(main) ?? 0) - (t0.get(main) ?? 0))
        s.other.push(name === 'curl' ? 0 : other)
        s.mirror.push(cpuMs(`/proc/${hub.pid}/stat`) - mirror0)
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    }
  }
} finally {
  http.dispose()
  hub.stop()
}
const out = Object.fromEntries(
  [...stats].map(([n, s]) => [
    n,
    {
      MBps: Math.round(median(s.mbps)),
      mainThreadCpuMs: Math.round(median(s.main)),
      otherThreadsCpuMs: Math.round(median(s.other)),
      mirrorCpuMs: Math.round(median(s.mirror)),
    },
  ]),
)
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? '' }
process.stdout.write(
  `${JSON.stringify({ bench: 'download-parts', machine, loadAverageAtStart: load, fileMB: MB, runs: RUNS, parts: out, loadAverageAtEnd: loadavg()[0] })}\n`,
)
