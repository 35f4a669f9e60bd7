import os from 'node:os'
import si from 'systeminformation'
import type { GpuReading } from '@shared/contract/resources'
import { moved, type Probe, type ProbeReading } from './probe'
import { SiWorker } from './siWorker'

/**
 * Local probes (systeminformation, except CPU load: see cpuProbe). Cadences come from
 * bench/resources.ts on the 2-core build machine (median CPU per read): CPU load (os.cpus)
 * ≈0.1 ms, mem ≈0.8 ms, battery ≈0.2 ms — cheap, every few seconds; cpuTemperature and graphics
 * ≈20 ms CPU plus ≈20 ms in child processes (sensors, lspci, nvidia-smi) and 90–150 ms wall,
 * with execSync inside — costly: in a worker thread (SiWorker), every minute at most, every 10
 * minutes where the machine has no such sensor.
 */
export interface SystemProbeOptions {
  cpuBaseMs?: number
  memBaseMs?: number
  batteryBaseMs?: number
  costlyBaseMs?: number
  /** How often to look again for something this machine does not have (battery, sensors, GPU). */
  unsupportedMs?: number
}

/** Sum of the per-core tick counters os.cpus() exposes (ms). */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0
  let total = 0
  for (const c of os.cpus()) {
    const { user, nice, sys, idle, irq } = c.times
    busy += user + nice + sys + irq
    total += user + nice + sys + idle + irq
  }
  return { busy, total }
}

/**
 * Machine load from os.cpus() tick deltas — the same counters systeminformation's currentLoad
 * reads, but si.currentLoad on Linux gets them with `execSync('cat /proc/stat | grep cpu')`: a
 * blocking shell spawn measured here at ≈5 ms CPU + ≈8 ms in child processes and ≈30 ms of
 * frozen event loop per read (bench/resources.ts). os.cpus() costs ≈0.08 ms and never blocks.
 */
export function cpuProbe(baseMs = 3_000, maxMs = 24_000): Probe {
  let last = { at: performance.now(), usage: process.cpuUsage(), times: cpuTimes() }
  return {
    name: 'cpu',
    cost: 'cheap',
    baseMs,
    maxMs,
    read() {
      const now = performance.now()
      const times = cpuTimes()
      const usage = process.cpuUsage(last.usage)
      const wallUs = (now - last.at) * 1000
      const dTotal = times.total - last.times.total
      const load = dTotal > 0 ? ((times.busy - last.times.busy) / dTotal) * 100 : null
      last = { at: now, usage: process.cpuUsage(), times }
      // This process's share of the whole machine (all threads: PGlite worker, llama.cpp), so the
      // policy can tell our own indexing from someone else's build.
      const own = wallUs > 0 ? ((usage.user + usage.system) / wallUs / Math.max(1, os.cpus().length)) * 100 : null
      return Promise.resolve({
        cpuLoadPercent: load === null ? null : round1(clamp(load)),
        ownCpuPercent: own === null ? null : round1(clamp(own)),
      })
    },
    changed: (a, b) => moved(a.cpuLoadPercent, b.cpuLoadPercent, 10) || moved(a.ownCpuPercent, b.ownCpuPercent, 10),
  }
}

const clamp = (v: number): number => Math.max(0, Math.min(100, v))

export function memoryProbe(baseMs = 5_000, maxMs = 40_000): Probe {
  return {
    name: 'memory',
    cost: 'cheap',
    baseMs,
    maxMs,
    async read() {
      const m = await si.mem()
      // "available" counts reclaimable cache: used-by-page-cache memory is not pressure.
      return { memUsedPercent: m.total > 0 ? round1(((m.total - m.available) / m.total) * 100) : null }
    },
    changed: (a, b) => moved(a.memUsedPercent, b.memUsedPercent, 5),
  }
}

export function batteryProbe(baseMs = 5_000, maxMs = 60_000, unsupportedMs = 600_000): Probe {
  return {
    name: 'battery',
    cost: 'cheap',
    baseMs,
    maxMs,
    unsupportedMs,
    whileQuiet: true,
    async read() {
      const b = await si.battery()
      if (!b.hasBattery) {
        return { battery: { present: false, percent: null, charging: null, acConnected: true }, unsupported: true }
      }
      return { battery: { present: true, percent: b.percent, charging: b.isCharging, acConnected: b.acConnected } }
    },
    changed: (a, b) =>
      a.battery?.present !== b.battery?.present ||
      a.battery?.acConnected !== b.battery?.acConnected ||
      a.battery?.charging !== b.battery?.charging ||
      moved(a.battery?.percent, b.battery?.percent, 0.5),
  }
}

export function temperatureProbe(
  baseMs = 60_000,
  maxMs = 240_000,
  unsupportedMs = 600_000,
  worker = new SiWorker(),
): Probe {
  return {
    name: 'temperature',
    cost: 'costly',
    baseMs,
    maxMs,
    unsupportedMs,
    dispose: () => worker.dispose(),
    async read(signal) {
      const t = await worker.call('cpuTemperature', signal)
      const c = typeof t.max === 'number' && t.max > 0 ? t.max : typeof t.main === 'number' && t.main > 0 ? t.main : null
      return c === null ? { cpuTempC: null, unsupported: true } : { cpuTempC: c }
    },
    changed: (a, b) => moved(a.cpuTempC, b.cpuTempC, 3),
  }
}

/** NVIDIA GPUs (systeminformation runs nvidia-smi for their utilisation and memory). */
export function gpuProbe(baseMs = 60_000, maxMs = 240_000, unsupportedMs = 600_000, worker = new SiWorker()): Probe {
  return {
    name: 'gpu',
    cost: 'costly',
    baseMs,
    maxMs,
    unsupportedMs,
    dispose: () => worker.dispose(),
    async read(signal) {
      const g = await worker.call('graphics', signal)
      const gpus: GpuReading[] = g.controllers
        .filter((c) => typeof c.utilizationGpu === 'number' || typeof c.memoryUsed === 'number')
        .map((c) => ({
          source: 'local',
          name: c.name ?? c.model,
          utilizationPercent: c.utilizationGpu ?? null,
          // nvidia-smi reports MiB.
          memoryUsedBytes: typeof c.memoryUsed === 'number' ? c.memoryUsed * 1024 * 1024 : null,
          memoryTotalBytes: typeof c.memoryTotal === 'number' ? c.memoryTotal * 1024 * 1024 : null,
          powerWatts: c.powerDraw ?? null,
        }))
      return gpus.length ? { localGpus: gpus } : { localGpus: [], unsupported: true }
    },
    changed: (a, b) =>
      (a.localGpus?.length ?? 0) !== (b.localGpus?.length ?? 0) ||
      (a.localGpus ?? []).some((g, i) => moved(g.utilizationPercent, b.localGpus?.[i]?.utilizationPercent, 10)),
  }
}

export function systemProbes(o: SystemProbeOptions = {}): Probe[] {
  const unsupported = o.unsupportedMs ?? 600_000
  const costly = o.costlyBaseMs ?? 60_000
  // One worker thread for both blocking probes (they are read about together, rarely).
  const worker = new SiWorker()
  return [
    cpuProbe(o.cpuBaseMs),
    memoryProbe(o.memBaseMs),
    batteryProbe(o.batteryBaseMs, undefined, unsupported),
    temperatureProbe(costly, costly * 4, unsupported, worker),
    gpuProbe(costly, costly * 4, unsupported, worker),
  ]
}

const round1 = (v: number): number => Math.round(v * 10) / 10

export type { ProbeReading }
