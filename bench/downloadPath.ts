/**
 * Does the way bench:first-run calls the download cost throughput? The same file (the bench mirror,
 * its own process) through downloadHubFile directly and through ModelManager.pull (what first-run
 * times), each with and without a `sync` between runs, beside curl and curl + sha256sum, runs
 * rotating. Per variant: median and slowest MB/s, this process's CPU (all threads; the hashing
 * thread's included), the time to the first kept byte (connect, redirect, file open) and from the
 * sha256 check to the end (rename, folder fsync).
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/downloadPath.ts [--mb 256] [--runs 5]
 *   [--only direct,pull+sync,curl]   (prints JSON)
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { downloadHubFile, type DownloadProgress } from '../src/main/core/models/download'
import { ModelManager } from '../src/main/core/models/modelManager'
import { HttpClient } from '../src/main/core/net/httpClient'
import { procCpuMs, startHubProcess } from './hubProcess'

const { values } = parseArgs({
  options: { mb: { type: 'string' }, runs: { type: 'string' }, only: { type: 'string' } },
})
const MB = Number(values.mb ?? 256)
const RUNS = Number(values.runs ?? 5)
const run = promisify(execFile)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const cpuMs = procCpuMs
const hub = await startHubProcess(MB)
const hubUrl = hub.url
const url = hub.fileUrl
const http = new HttpClient()
let verifyAt = 0
let bodyAt = 0
const onProgress = (p: DownloadProgress): void => {
  if (p.phase === 'verifying') verifyAt = performance.now()
  if (p.phase === 'downloading' && !bodyAt) bodyAt = performance.now()
}
const variants: Record<string, { sync: boolean; go: (dir: string) => Promise<unknown> }> = {
  direct: { sync: false, go: (dir) => downloadHubFile({ http, url, dir, fileName: 'big.gguf', onProgress }) },
  'direct+sync': {
    sync: true,
    go: (dir) => downloadHubFile({ http, url, dir, fileName: 'big.gguf', onProgress }),
  },
  pull: {
    sync: false,
    go: (dir) =>
      new ModelManager({ http, modelsDir: dir, offline: () => false, env: { HF_ENDPOINT: hubUrl } }).pull(
        'hf:bench/big-GGUF/big.gguf',
        onProgress,
      ),
  },
  'pull+sync': {
    sync: true,
    go: (dir) =>
      new ModelManager({ http, modelsDir: dir, offline: () => false, env: { HF_ENDPOINT: hubUrl } }).pull(
        'hf:bench/big-GGUF/big.gguf',
        onProgress,
      ),
  },
  curl: { sync: true, go: (dir) => run('curl', ['-sSfL', '-o', join(dir, 'c'), url.href]) },
  curlSha: {
    sync: true,
    go: (dir) =>
      run('sh', [
        '-c',
        `curl -sSfL -o "$1" "$2" && sha256sum "$1" > /dev/null`,
        'sh',
        join(dir, 'c.gguf'),
        url.href,
      ]),
  },
}
const names = Object.keys(variants).filter((n) => !values.only || values.only.split(',').includes(n))
const res = new Map(
  names.map((n) => [
    n,
    { mbps: [] as number[], cpu: [] as number[], tail: [] as number[], head: [] as number[] },
  ]),
)
const load0 = loadavg()[0]
try {
  for (let i = 0; i < RUNS; i++) {
    for (const name of [...names.slice(i % names.length), ...names.slice(0, i % names.length)]) {
      const v = variants[name]
      const r = res.get(name)
      if (!v || !r) continue
      const dir = await mkdtemp(join(tmpdir(), 'hearth-probe-'))
      try {
        const c0 = cpuMs('/proc/self/stat')
        verifyAt = 0
        bodyAt = 0
        const t = performance.now()
        await v.go(dir)
        const end = performance.now()
        r.mbps.push(MB / ((end - t) / 1000))
        r.cpu.push(cpuMs('/proc/self/stat') - c0)
        r.tail.push(verifyAt ? end - verifyAt : NaN)
        r.head.push(bodyAt ? bodyAt - t : NaN)
      } finally {
        await rm(dir, { recursive: true, force: true })
        if (v.sync) await run('sync')
      }
    }
  }
} finally {
  http.dispose()
  hub.stop()
}
const out = Object.fromEntries(
  [...res].map(([n, r]) => [
    n,
    {
      MBps: Math.round(median(r.mbps)),
      // With 20 runs or fewer the slowest run is the p95 of the times.
      slowestMBps: Math.round(Math.min(...r.mbps)),
      all: r.mbps.map(Math.round),
      cpuMs: Math.round(median(r.cpu)),
      verifyToEndMs: Math.round(median(r.tail)),
      toBodyMs: Math.round(median(r.head)),
    },
  ]),
)
process.stdout.write(`${JSON.stringify({ load0, runs: RUNS, out, load1: loadavg()[0] }, null, 1)}\n`)
