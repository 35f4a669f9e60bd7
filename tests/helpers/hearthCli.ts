import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { collect, type CliResult } from '../integration/index/cliHelpers'

/**
 * The real `hearth` CLI as a separate process, started the cheapest way that still runs the
 * current source: `node bin/hearth.js` (the bundle users run) when out/ holds a build newer than
 * every file of src/main, src/shared and bin/, else the source itself through tsx. Loading the
 * source through tsx costs seconds per process (in the store's worker threads too), and files
 * that start dozens of CLI processes pay it each time; `npm test` builds first, so CI takes the
 * bundle, while a local run after an edit that was not rebuilt falls back to the source rather
 * than testing stale code. HEARTH_TEST_CLI=source or =built forces one.
 */
const REPO = resolve(import.meta.dirname, '..', '..')
const BIN = join(REPO, 'bin', 'hearth.js')
const BUNDLE = join(REPO, 'out', 'main', 'cli.js')
const TSX = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href

function newestMtime(path: string): number {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

let chosen: 'built' | 'source' | undefined

/** Which CLI the helpers start: 'built' (bin/hearth.js over out/) or 'source' (tsx). */
export function hearthCliKind(): 'built' | 'source' {
  if (chosen) return chosen
  const forced = process.env.HEARTH_TEST_CLI
  if (forced === 'built' || forced === 'source') return (chosen = forced)
  if (forced) throw new Error(`HEARTH_TEST_CLI must be 'built' or 'source', not '${forced}'`)
  if (!existsSync(BUNDLE)) return (chosen = 'source')
  const sources = Math.max(...['src/main', 'src/shared', 'bin'].map((d) => newestMtime(join(REPO, d))))
  return (chosen = statSync(BUNDLE).mtimeMs > sources ? 'built' : 'source')
}

/**
 * Node's arguments that start the CLI (before the command's own), and the environment it needs.
 * `preload` modules are imported first (e.g. a recorder of network calls).
 */
export function hearthCommand(preload: string[] = []): { args: string[]; env: Record<string, string> } {
  const imports = preload.flatMap((p) => ['--import', p])
  if (hearthCliKind() === 'built') return { args: [...imports, BIN], env: {} }
  return {
    args: [...imports, '--import', TSX, join(REPO, 'src/main/cli/index.ts')],
    env: { TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.node.json') },
  }
}

/** Starts `hearth <args>` as a separate process (stdout and stderr piped). */
export function spawnHearth(args: string[], opts: SpawnOptions = {}): ChildProcess {
  const cmd = hearthCommand()
  return spawn(process.execPath, [...cmd.args, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts,
    env: { ...process.env, ...cmd.env, ...(opts.env ?? {}) },
  })
}

/** Runs `hearth <args>` to its end. */
export function runHearth(args: string[], opts: SpawnOptions = {}): Promise<CliResult> {
  return collect(spawnHearth(args, opts))
}
