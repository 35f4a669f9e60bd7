import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import si from 'systeminformation'
import type { Probe } from '../src/main/core/resources/probes/probe'
import { ollamaPsProbe, tritonMetricsProbe } from '../src/main/core/resources/probes/remoteProbes'
import { systemProbes } from '../src/main/core/resources/probes/systemProbes'
import { median, p95, procTicks, round, sleep, ticksToMs } from './resourcesCommon'
import { tritonMetricsText } from './resourcesTritonMetrics'

export interface ProbeCost {
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

/**
 * Every probe of the resource monitor, read repeatedly (spaced like real sampling): wall time, CPU
 * per read including the child processes some spawn, and how long the event loop stood still.
 */
export async function probeCosts(): Promise<Record<string, ProbeCost>> {
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
