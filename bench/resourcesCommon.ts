import { execSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Helpers shared by bench:resources' measurements (bench/resources.ts). */

/** How long each CPU measurement runs (env BENCH_SECONDS, default 60). */
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 60)
export const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
export const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2
}
export const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.95 * xs.length) - 1)] ?? NaN

/** utime, stime, cutime, cstime (clock ticks) of a process. */
export function procTicks(pid: number | 'self'): { self: number; children: number } {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
  // After "pid (comm) ": state is field 3, so utime (14) … cstime (17) are f[11] … f[14].
  return { self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) }
}
export const ticksToMs = (t: number): number => (t * 1000) / CLK_TCK

export async function writeCodeWorkspace(
  root: string,
  files: number,
  functionsPerFile: number,
): Promise<void> {
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
