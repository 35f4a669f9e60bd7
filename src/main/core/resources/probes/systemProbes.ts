import os from 'node:os'
import si from 'systeminformation'
import type { GpuReading } from '@shared/contract/resources'
import { moved, type Probe, type ProbeReading } from './probe'

/**
 * Local probes through systeminformation. Cadences come from bench/resources.ts on the 2-core
 * build machine (median CPU per call): currentLoad 0.06 ms, mem 0.8 ms, battery 0.04 ms —
 * cheap, every few seconds; cpuTemperature and graphics ≈6 ms CPU plus child processes
 * (sensors, lspci, nvidia-smi) and ≈15 ms wall — costly, every minute at most.
 */
export interface SystemProbeOptions {
  cpuBaseMs?: number
  memBaseMs?: number
  batteryBaseMs?: number
  costlyBaseMs?: number
  /** How often to look again for something this machine does not have (battery, sensors, GPU). */
  unsupportedMs?: number
}

export function cpuProbe(baseMs = 3_000, maxMs = 24_000): Probe {
  let last = { at: performance.now(), usage: process.cpuUsage() }
  return {
    name: 'cpu',
    cost: 'cheap',
    baseMs,
    maxMs,
    async read() {
      const load = await si.currentLoad()
      const now = performance.now()
      const usage = process.cpuUsage(last.usage)
      const wallUs = (now - last.at) * 1000
      last = { at: now, usage: process.cpuUsage() }
      // This process's share of the whole machine (all threads: PGlite worker, llama.cpp), so the
      // policy can tell our own indexing from someone else's build.
      const own = wallUs > 0 ? ((usage.user + usage.system) / wallUs / Math.max(1, os.cpus().length)) * 100 : null
      return { cpuLoadPercent: round1(load.currentLoad), ownCpuPercent: own === null ? null : round1(Math.min(100, own)) }
    },
    changed: (a, b) => moved(a.cpuLoadPercent, b.cpuLoadPercent, 10) || moved(a.ownCpuPercent, b.ownCpuPercent, 10),
  }
}

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

export function temperatureProbe(baseMs = 60_000, maxMs = 240_000, unsupportedMs = 600_000): Probe {
  return {
    name: 'temperature',
    cost: 'costly',
    baseMs,
    maxMs,
    unsupportedMs,
    async read() {
      const t = await si.cpuTemperature()
      const c = typeof t.max === 'number' && t.max > 0 ? t.max : typeof t.main === 'number' && t.main > 0 ? t.main : null
      return c === null ? { cpuTempC: null, unsupported: true } : { cpuTempC: c }
    },
    changed: (a, b) => moved(a.cpuTempC, b.cpuTempC, 3),
  }
}

/** NVIDIA GPUs (systeminformation runs nvidia-smi for their utilisation and memory). */
export function gpuProbe(baseMs = 60_000, maxMs = 240_000, unsupportedMs = 600_000): Probe {
  return {
    name: 'gpu',
    cost: 'costly',
    baseMs,
    maxMs,
    unsupportedMs,
    async read() {
      const g = await si.graphics()
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
  return [
    cpuProbe(o.cpuBaseMs),
    memoryProbe(o.memBaseMs),
    batteryProbe(o.batteryBaseMs, undefined, unsupported),
    temperatureProbe(costly, costly * 4, unsupported),
    gpuProbe(costly, costly * 4, unsupported),
  ]
}

const round1 = (v: number): number => Math.round(v * 10) / 10

export type { ProbeReading }
