import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { REPO_ROOT } from '../tests/helpers/serve'
import { round, SECONDS, ticksToMs } from './resourcesCommon'

const execFileAsync = promisify(execFile)

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

/**
 * CPU of a process running only the monitor at its default sampling for SECONDS, minus an idle
 * Node process beside it; percent of one core.
 */
export async function monitorCost() {
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
