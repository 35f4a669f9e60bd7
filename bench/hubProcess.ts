/**
 * What the download benches (firstRun.ts, downloadParts.ts, downloadPath.ts) share: the bench
 * mirror (hubServer.ts) started in a child process, and CPU time read from /proc.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface HubProcess {
  /** The mirror's base URL (HF_ENDPOINT). */
  url: string
  /** The file it serves, under Hugging Face's layout. */
  fileUrl: URL
  /** Its process id (its CPU time: procCpuMs(`/proc/${pid}/stat`)). */
  pid: number
  stop: () => void
}

/** Starts hubServer.ts serving `mb` MB, paced to `linkMbit` Mbit/s when given. */
export async function startHubProcess(mb: number, linkMbit?: string): Promise<HubProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'hubServer.ts'),
      '--mb',
      String(mb),
      ...(linkMbit ? ['--link-mbit', linkMbit] : []),
    ],
    {
      env: { ...process.env, TSX_TSCONFIG_PATH: join(import.meta.dirname, '..', 'tsconfig.node.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))
    child.once('exit', (code) => reject(new Error(`hub server exited (${code})`)))
  })
  return {
    url,
    fileUrl: new URL(`${url}/bench/big-GGUF/resolve/main/big.gguf`),
    pid: child.pid ?? 0,
    stop: () => child.kill('SIGTERM'),
  }
}

/** CPU ms (user + system) of a process or one of its threads, from its /proc stat file (Linux). */
export function procCpuMs(statPath: string): number {
  const f = readFileSync(statPath, 'utf8')
  const a = f.slice(f.lastIndexOf(')') + 2).split(' ')
  return (Number(a[11]) + Number(a[12])) * (1000 / 100)
}
