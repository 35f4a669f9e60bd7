import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export const REPO = resolve(import.meta.dirname, '..', '..', '..')
export const TSX = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href

/** A fresh folder under tests/.tmp (git-ignored), removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const base = join(REPO, 'tests', '.tmp')
  mkdirSync(base, { recursive: true })
  const dir = mkdtempSync(join(base, `${prefix}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Polls `f` every 100 ms until it returns a value; fails after `ms` naming `what`, plus whatever
 * `explain` says about the state then.
 */
export async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  ms = 60_000,
  explain?: () => Promise<string>,
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${explain ? `: ${await explain()}` : ''}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Starts the real `hearth` CLI from source (tsx), as a separate process. */
export function spawnCli(args: string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, join(REPO, 'src/main/cli/index.ts'), ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.node.json'), ...(opts.env ?? {}) },
  })
}

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export function runCli(args: string[], opts: SpawnOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, opts)
  return collect(child)
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }))
  })
}
