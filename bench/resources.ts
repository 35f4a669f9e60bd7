/**
 * Resources benchmark (`npm run bench:resources`): prints JSON.
 *
 *  - probeCosts: every probe of the resource monitor, read repeatedly here (spaced like real
 *    sampling): median wall time, and CPU per read including the child processes some spawn
 *    (lspci, sensors, nvidia-smi — read from /proc/self/stat cutime/cstime).
 *  - probeCostPercent: CPU of a process running only the monitor at its default sampling for
 *    BENCH_SECONDS, minus an idle Node process beside it; percent of one core.
 *  - batteryVsAcIndexCpuRatio: CPU seconds of background embedding during BENCH_SECONDS on a
 *    simulated battery (60 %) vs on AC, through the real controller → policy → WorkspaceIndex
 *    (PGlite worker, embedding queue). The embedder is a real in-process model (node-llama-cpp
 *    with ../shared/models/stories260K.gguf, 1 thread) so embedding is CPU-bound as on a laptop.
 *  - idleCpuPercent: the BUILT `hearth serve` (npm run build first) with an indexed workspace and
 *    nothing happening, CPU of its process over BENCH_SECONDS (/proc/<pid>/stat), percent of one core.
 *
 * Options: BENCH_SECONDS (default 60), BENCH_ONLY=probes,ratio,idle (comma list).
 * The build machine is shared: numbers are noisy, rerun on a quiet machine for the record.
 */
import { execFile, execSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import os, { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { getLlama, type LlamaEmbeddingContext, type LlamaModel } from 'node-llama-cpp'
import si from 'systeminformation'
import type { Embedder } from '../src/main/core/inference/embedder'
import type { EmbedQueueState } from '../src/main/core/index/embedQueue'
import { WorkspaceIndex } from '../src/main/core/index/workspaceIndex'
import { FULL_SPEED } from '../src/main/core/resources/budgets'
import { ResourceMonitor } from '../src/main/core/resources/monitor'
import type { Probe } from '../src/main/core/resources/probes/probe'
import { ollamaPsProbe, tritonMetricsProbe } from '../src/main/core/resources/probes/remoteProbes'
import { systemProbes } from '../src/main/core/resources/probes/systemProbes'
import { ResourceController } from '../src/main/core/resources/resourceController'
import { SimulatedPowerSource } from '../src/main/core/resources/simulatedPowerSource'
import { connectApi, REPO_ROOT, startServe } from '../tests/helpers/serve'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60)
const ONLY = new Set((process.env.BENCH_ONLY ?? 'probes,ratio,idle').split(','))
const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100
const MODEL = join(REPO_ROOT, '../shared/models/stories260K.gguf')
const execFileAsync = promisify(execFile)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2
}
const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.95 * xs.length) - 1)] ?? NaN

/** utime, stime, cutime, cstime (clock ticks) of a process. */
function procTicks(pid: number | 'self'): { self: number; children: number } {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
  // After "pid (comm) ": state is field 3, so utime (14) … cstime (17) are f[11] … f[14].
  return { self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) }
}
const ticksToMs = (t: number): number => (t * 1000) / CLK_TCK

// --- probe costs -------------------------------------------------------------------------

/** Triton /metrics the size of a real DGX node: 8 GPUs, 12 models, the usual nv_* families. */
function tritonMetricsText(): string {
  const lines: string[] = []
  const gpus = Array.from({ length: 8 }, (_, i) => `GPU-${i}0000000-aaaa-bbbb-cccc-${i}00000000000`)
  const models = Array.from({ length: 12 }, (_, i) => `model_${i}`)
  const fam = (name: string, type: string, help: string, rows: string[]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...rows)
  }
  for (const n of ['success', 'failure', 'count', 'exec_count']) {
    fam(
      `nv_inference_request_${n}`,
      'counter',
      `requests ${n}`,
      models.map((m, i) => `nv_inference_request_${n}{model="${m}",version="1"} ${i * 1000}`),
    )
  }
  for (const n of [
    'request_duration_us',
    'queue_duration_us',
    'compute_input_duration_us',
    'compute_infer_duration_us',
    'compute_output_duration_us',
  ]) {
    fam(
      `nv_inference_${n}`,
      'counter',
      n,
      models.map((m, i) => `nv_inference_${n}{model="${m}",version="1"} ${i * 123456}`),
    )
  }
  fam(
    'nv_inference_pending_request_count',
    'gauge',
    'pending',
    models.map((m) => `nv_inference_pending_request_count{model="${m}",version="1"} 0`),
  )
  for (const [n, v] of [
    ['nv_gpu_utilization', '0.42'],
    ['nv_gpu_memory_total_bytes', '85899345920'],
    ['nv_gpu_memory_used_bytes', '40000000000'],
    ['nv_gpu_power_usage', '312.5'],
    ['nv_gpu_power_limit', '700'],
    ['nv_energy_consumption', '123456789'],
  ] as const) {
    fam(
      n,
      'gauge',
      n,
      gpus.map((g) => `${n}{gpu_uuid="${g}"} ${v}`),
    )
  }
  fam('nv_cpu_utilization', 'gauge', 'cpu', ['nv_cpu_utilization 0.1'])
  return `${lines.join('\n')}\n`
}

interface ProbeCost {
  reads: number
  /**
   * How long the event loop stood still during a read (1 ms ticker): what a keystroke would
   * wait. Median over reads of the longest gap per read (the max is noisy on a shared machine).
   */
  loopBlockMedianMs: number
  loopBlockMaxMs: number
  wallMedianMs: number
  wallP95Ms: number
  cpuMedianMs: number
  /** CPU of child processes per read (mean; /proc resolution is one clock tick). */
  childCpuMsPerRead: number
  baseIntervalMs: number
  unsupportedHere: boolean
}

async function measureProbe(p: Probe, reads: number, spacingMs: number): Promise<ProbeCost> {
  const signal = new AbortController().signal
  await p.read(signal) // warm-up: first-call setup is not the steady cost
  const wall: number[] = []
  const cpu: number[] = []
  const c0 = procTicks('self').children
  let unsupported = false
  const blocks: number[] = []
  for (let i = 0; i < reads; i++) {
    let block = 0
    await sleep(spacingMs)
    let last = performance.now()
    const ticker = setInterval(() => {
      const now = performance.now()
      block = Math.max(block, now - last)
      last = now
    }, 1)
    const u0 = process.cpuUsage()
    const t0 = performance.now()
    const r = await p.read(signal)
    wall.push(performance.now() - t0)
    const u = process.cpuUsage(u0)
    await sleep(2)
    clearInterval(ticker)
    cpu.push((u.user + u.system) / 1000)
    blocks.push(block)
    unsupported ||= r.unsupported === true || r.remote?.reachable === false
  }
  return {
    reads,
    loopBlockMedianMs: round(median(blocks), 1),
    loopBlockMaxMs: round(Math.max(...blocks), 1),
    wallMedianMs: round(median(wall)),
    wallP95Ms: round(p95(wall)),
    cpuMedianMs: round(median(cpu)),
    childCpuMsPerRead: round(ticksToMs(procTicks('self').children - c0) / reads),
    baseIntervalMs: p.baseMs,
    unsupportedHere: unsupported,
  }
}

async function probeCosts(): Promise<Record<string, ProbeCost>> {
  const out: Record<string, ProbeCost> = {}
  const probes = systemProbes()
  for (const p of probes) {
    out[p.name] = await measureProbe(p, p.cost === 'cheap' ? 30 : 8, p.cost === 'cheap' ? 250 : 500)
  }
  for (const p of probes) p.dispose?.()
  // For comparison: the same systeminformation calls on the event loop (what the probes avoid).
  const direct = async (name: string, fn: () => Promise<unknown>, reads: number): Promise<void> => {
    const probe: Probe = { name, cost: 'costly', baseMs: 0, maxMs: 0, read: async () => (await fn(), {}) }
    out[`${name} (direct, not used)`] = await measureProbe(probe, reads, 250)
  }
  await direct('si.currentLoad', () => si.currentLoad(), 20)
  await direct('si.graphics', () => si.graphics(), 6)
  await direct('si.cpuTemperature', () => si.cpuTemperature(), 6)
  // Remote probes: the cost on Hearth's side (HTTP + parse) against local servers speaking the protocols.
  const metrics = tritonMetricsText()
  const ps = JSON.stringify({
    models: [
      {
        name: 'qwen2.5-coder:1.5b',
        model: 'qwen2.5-coder:1.5b',
        size: 1929912320,
        size_vram: 1929912320,
        expires_at: '2026-11-21T13:00:00Z',
      },
    ],
  })
  const server = createServer((req, res) => {
    if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain' }).end(metrics)
    else if (req.url === '/api/ps') res.writeHead(200, { 'content-type': 'application/json' }).end(ps)
    else res.writeHead(404).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    out.triton = { ...(await measureProbe(tritonMetricsProbe({ url }), 20, 100)), childCpuMsPerRead: 0 }
    out.ollama = { ...(await measureProbe(ollamaPsProbe({ url }), 20, 100)), childCpuMsPerRead: 0 }
  } finally {
    await new Promise((r) => server.close(r))
  }
  return out
}

// --- monitor at default sampling, in its own process ----------------------------------------

const MONITOR_CHILD = `
import { readFileSync } from 'node:fs'
import { ResourceMonitor } from './src/main/core/resources/monitor.ts'
import { systemProbes } from './src/main/core/resources/probes/systemProbes.ts'
const ticks = () => { const s = readFileSync('/proc/self/stat', 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return Number(f[13]) + Number(f[14]) }
const c0 = process.cpuUsage(); const k0 = ticks()
const m = process.env.MODE === 'monitor' ? new ResourceMonitor({ probes: systemProbes() }) : null
m?.start()
// A ref'd timer keeps the process alive for the measurement (the monitor's own timers are unref'd).
await new Promise((r) => setTimeout(r, Number(process.env.SECONDS) * 1000))
const u = process.cpuUsage(c0)
console.log(JSON.stringify({ cpuMs: (u.user + u.system) / 1000, childTicks: ticks() - k0, probes: m?.probes() ?? [] }))
m?.dispose()
`

interface ChildResult {
  cpuMs: number
  childTicks: number
  probes: { name: string; reads: number; intervalMs: number; unsupported: boolean }[]
}

async function runChild(mode: 'monitor' | 'idle'): Promise<ChildResult> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', MONITOR_CHILD],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, MODE: mode, SECONDS: String(SECONDS), TSX_TSCONFIG_PATH: 'tsconfig.node.json' },
      timeout: (SECONDS + 60) * 1000,
    },
  )
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult
}

async function monitorCost() {
  const [monitor, idle] = await Promise.all([runChild('monitor'), runChild('idle')])
  const childMs = ticksToMs(monitor.childTicks)
  const netMs = Math.max(0, monitor.cpuMs + childMs - idle.cpuMs - ticksToMs(idle.childTicks))
  return {
    probeCostPercent: round((netMs / (SECONDS * 1000)) * 100, 4),
    monitorCpuMs: round(monitor.cpuMs, 1),
    monitorChildProcessCpuMs: round(childMs, 1),
    idleNodeCpuMs: round(idle.cpuMs, 1),
    readsPerProbe: Object.fromEntries(
      monitor.probes.map((p) => [
        p.name,
        { reads: p.reads, intervalMsAtEnd: p.intervalMs, unsupported: p.unsupported },
      ]),
    ),
  }
}

// --- battery vs AC embedding CPU -----------------------------------------------------------

/** A real in-process embedding model (tiny, but the same engine and the same CPU-bound loop). */
class LlamaEmbedder implements Embedder {
  readonly id = 'bench-llama:stories260K'
  readonly dimensions = 64
  readonly maxBatch = 8
  private constructor(
    private readonly model: LlamaModel,
    private readonly ctx: LlamaEmbeddingContext,
  ) {}
  static async load(): Promise<LlamaEmbedder> {
    const llama = await getLlama({ gpu: false })
    const model = await llama.loadModel({ modelPath: MODEL })
    return new LlamaEmbedder(model, await model.createEmbeddingContext({ threads: 1, contextSize: 512 }))
  }
  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = []
    for (const t of texts) {
      const tokens = this.model.tokenize(t).slice(0, 500)
      out.push(Float32Array.from((await this.ctx.getEmbeddingFor(tokens)).vector))
    }
    return out
  }
  async dispose(): Promise<void> {
    await this.ctx.dispose()
    await this.model.dispose()
  }
}

async function writeCodeWorkspace(root: string, files: number, functionsPerFile: number): Promise<void> {
  for (let d = 0; d < Math.ceil(files / 100); d++) await mkdir(join(root, `pkg${d}`), { recursive: true })
  for (let i = 0; i < files; i++) {
    const lines: string[] = [`/** Module ${i}: records of kind ${i % 13}. */`]
    for (let f = 0; f < functionsPerFile; f++) {
      lines.push(
        `export function parse${i}_${f}(input: string, count: number): string[] {`,
        `  const parts = input.split(',').map((p) => p.trim()).filter((p) => p.length > 0)`,
        `  if (parts.length < count) throw new Error('record ${i}.${f}: expected ' + count + ' fields')`,
        `  return parts.slice(0, count).map((p, j) => \`\${p}-\${j}-${f}\`)`,
        '}',
        '',
      )
    }
    await writeFile(join(root, `pkg${Math.floor(i / 100)}`, `module${i}.ts`), lines.join('\n'))
  }
}

async function batteryVsAc() {
  const root = await mkdtemp(join(tmpdir(), 'hearth-bench-res-ws-'))
  const db = await mkdtemp(join(tmpdir(), 'hearth-bench-res-db-'))
  const embedder = await LlamaEmbedder.load()
  const states: EmbedQueueState[] = []
  const idx = await WorkspaceIndex.open({ root, dbDir: db, embedder, onEmbedState: (s) => states.push(s) })
  try {
    await writeCodeWorkspace(root, 400, 12)
    // Full-text index first (embedding held at 0/min), so the phases measure embedding alone.
    idx.setBudgets({ ...FULL_SPEED, background: { ...FULL_SPEED.background, embedPerMinute: 0 } })
    const scan = await idx.fullScan()
    const backlog = (await idx.stats()).chunks

    const power = new SimulatedPowerSource({ onBattery: false })
    const controller = new ResourceController({
      monitor: new ResourceMonitor({ probes: [], power }),
      overrides: { pauseIndexing: true },
    })
    controller.start()
    const off = controller.register(idx)
    const settle = async (): Promise<void> => {
      controller.setOverrides({ pauseIndexing: true })
      for (let i = 0; i < 300 && idx.queue?.state.status !== 'paused'; i++) await sleep(100)
      await sleep(500)
    }
    const phase = async () => {
      const e0 = idx.queue?.state.embedded ?? 0
      const c0 = process.cpuUsage()
      controller.setOverrides({ pauseIndexing: false })
      const budget = { ...controller.budgets().background }
      await sleep(SECONDS * 1000)
      const u = process.cpuUsage(c0)
      const embedded = (idx.queue?.state.embedded ?? 0) - e0
      await settle()
      return {
        cpuSeconds: (u.user + u.system) / 1e6,
        embedded,
        budget,
      }
    }
    // Baseline: this process with everything paused (timers, GC), to subtract.
    await settle()
    const b0 = process.cpuUsage()
    await sleep(5_000)
    const bu = process.cpuUsage(b0)
    const baselinePerSecond = (bu.user + bu.system) / 1e6 / 5

    power.unplug(60)
    const battery = await phase()
    const batteryBudget = battery.budget
    power.plugIn()
    const ac = await phase()
    off()
    controller.dispose()
    const net = (p: { cpuSeconds: number }): number => Math.max(0, p.cpuSeconds - baselinePerSecond * SECONDS)
    return {
      batteryVsAcIndexCpuRatio: round(net(battery) / net(ac), 4),
      embedder: `${embedder.id} (node-llama-cpp, 1 thread, 64-dim)`,
      workspace: { files: scan.seen, chunks: backlog },
      battery: {
        cpuSeconds: round(net(battery), 2),
        embedded: battery.embedded,
        budget: {
          embedPerMinute: batteryBudget.embedPerMinute,
          embedDutyCycle: batteryBudget.embedDutyCycle ?? 1,
          embedBatchSize: batteryBudget.embedBatchSize,
        },
      },
      ac: {
        cpuSeconds: round(net(ac), 2),
        embedded: ac.embedded,
        backlogExhausted: battery.embedded + ac.embedded >= backlog,
      },
      baselineCpuPercent: round(baselinePerSecond * 100, 3),
    }
  } finally {
    await idx.close()
    await embedder.dispose()
    await rm(root, { recursive: true, force: true })
    await rm(db, { recursive: true, force: true })
  }
}

// --- idle `hearth serve` -------------------------------------------------------------------

async function idleServe() {
  const ws = await mkdtemp(join(tmpdir(), 'hearth-bench-idle-ws-'))
  await writeCodeWorkspace(ws, 300, 4)
  const served = await startServe({ workspace: ws, timeoutMs: 60_000 })
  try {
    const { api, close } = await connectApi(served)
    const t0 = Date.now()
    let status = await api.call('index.status', {})
    while (!(status.state === 'ready' && status.embedBacklog === 0)) {
      if (Date.now() - t0 > 300_000) throw new Error(`index not ready after 5 min: ${JSON.stringify(status)}`)
      await sleep(1_000)
      status = await api.call('index.status', {})
    }
    const indexedInMs = Date.now() - t0
    close()
    await sleep(5_000) // let the last batch, GC and the socket close settle
    const k0 = procTicks(served.pid)
    await sleep(SECONDS * 1000)
    const k1 = procTicks(served.pid)
    const ms = ticksToMs(k1.self - k0.self + k1.children - k0.children)
    return {
      idleCpuPercent: round((ms / (SECONDS * 1000)) * 100, 3),
      idleCpuMs: round(ms, 1),
      indexed: {
        files: status.files,
        chunks: status.chunks,
        embedder: status.embedder,
        readyAfterMs: indexedInMs,
      },
    }
  } finally {
    await served.stop()
    await rm(ws, { recursive: true, force: true })
    await rm(served.dataDir, { recursive: true, force: true })
  }
}

// --- main ----------------------------------------------------------------------------------

const result: Record<string, unknown> = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, clkTck: CLK_TCK },
  seconds: SECONDS,
  targets: { idleCpuPercent: '< 0.5', batteryVsAcIndexCpuRatio: '<= 0.25', probeCostPercent: '< 0.5' },
}
if (ONLY.has('probes')) {
  result.probeCosts = await probeCosts()
  Object.assign(result, await monitorCost())
}
if (ONLY.has('ratio')) Object.assign(result, { ratio: await batteryVsAc() })
if (ONLY.has('idle')) Object.assign(result, { idle: await idleServe() })
console.log(JSON.stringify(result, null, 2))
