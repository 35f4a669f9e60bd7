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
import os from 'node:os'
import { batteryVsAc } from './resourcesBattery'
import { CLK_TCK, SECONDS } from './resourcesCommon'
import { idleServe } from './resourcesIdle'
import { monitorCost } from './resourcesMonitor'
import { probeCosts } from './resourcesProbes'

const ONLY = new Set((process.env.BENCH_ONLY ?? 'probes,ratio,idle').split(','))

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
