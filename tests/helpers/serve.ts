import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { ContractClient } from '../../src/shared/rpc/client'
import { connectContract } from './wsClient'

/**
 * Shared by every browser test and the startup benchmark: runs the BUILT app (`npm run build`
 * first; this helper builds nothing) as `node bin/hearth.js serve` in a child process, and drives
 * Debian Chromium through playwright-core.
 */

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
export const CHROMIUM_PATH = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium'
/** Flags measured to work headless here (no sandbox in containers, no GPU, nothing phoning home). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Set HEARTH_SKIP_E2E=1 to skip browser tests knowingly; otherwise a missing browser is a failure. */
export const SKIP_E2E = process.env.HEARTH_SKIP_E2E === '1'

export interface ServedHearth {
  /** The printed URL, with `#token=` (the fragment: the browser sends it to no server). */
  url: string
  origin: string
  token: string
  port: number
  workspace: string
  dataDir: string
  pid: number
  /** stdout + stderr so far (for failure messages). */
  output: () => string
  stop: () => Promise<void>
}

export interface ServeOptions {
  workspace: string
  /** Defaults to a fresh temp dir (recent folders etc. never touch the user's real state). */
  dataDir?: string
  port?: number
  extraArgs?: string[]
  timeoutMs?: number
  /**
   * Variables for the server on top of this process's environment (an `undefined` value removes
   * one), so a test can point it somewhere (HF_ENDPOINT at a local mirror) without changing
   * process.env for the other tests in its worker.
   */
  env?: Record<string, string | undefined>
}

const URL_LINE = /^Hearth is serving (.+) at (http:\/\/\S+)\s*$/

/** Starts `hearth serve` and resolves once it printed its URL. */
export async function startServe(opts: ServeOptions): Promise<ServedHearth> {
  const cli = join(REPO_ROOT, 'out/main/cli.js')
  if (!existsSync(cli) || !existsSync(join(REPO_ROOT, 'out/renderer/index.html'))) {
    throw new Error('Hearth is not built: run `npm run build` before the e2e tests (npm test does it).')
  }
  const dataDir = opts.dataDir ?? (await tempDir('hearth-data-'))
  const args = [
    join(REPO_ROOT, 'bin/hearth.js'),
    'serve',
    '--workspace',
    opts.workspace,
    '--port',
    String(opts.port ?? 0),
    '--data-dir',
    dataDir,
    ...(opts.extraArgs ?? []),
  ]
  const env = { ...process.env }
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`hearth serve printed no URL in ${opts.timeoutMs ?? 20_000} ms:\n${log}`)),
      opts.timeoutMs ?? 20_000,
    )
    const lines = createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      log += line + '\n'
      const m = URL_LINE.exec(line)
      if (m?.[2]) {
        clearTimeout(timer)
        done(m[2])
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      fail(new Error(`hearth serve exited (${code ?? signal}) before printing its URL:\n${log}`))
    })
  })
  const parsed = new URL(url)
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token')
  if (!token) throw new Error(`no #token= in ${url}`)
  return {
    url,
    origin: parsed.origin,
    token,
    port: Number(parsed.port),
    workspace: opts.workspace,
    dataDir,
    pid: child.pid ?? -1,
    output: () => log,
    stop: () => stopChild(child),
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(kill)
      done()
    })
    child.kill('SIGTERM')
  })
}

/** Resident memory of a process in bytes (Linux /proc), or undefined elsewhere. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m?.[1] ? Number(m[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/** Launches Debian Chromium headless; a missing browser is a clear failure, not a silent pass. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (\`apt-get install -y chromium\`), point HEARTH_CHROMIUM at it, ` +
        'or set HEARTH_SKIP_E2E=1 to skip the browser tests knowingly.',
    )
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })
}

/**
 * Marks the getting-started panel as seen in this server's data directory: shown once per install
 * over everything else, it would cover the explorer and the editor the tests click.
 */
export async function skipGettingStarted(served: ServedHearth): Promise<void> {
  const { api, close } = await connectApi(served)
  try {
    await api.call('models.setupDone', { done: true })
  } finally {
    close()
  }
}

/** Opens the served editor in a new page and waits for the workbench. */
export async function openEditor(
  browser: Browser,
  served: ServedHearth,
  opts: {
    colorScheme?: 'light' | 'dark'
    viewport?: { width: number; height: number }
    /** Leave the getting-started panel to show (default: marked as seen first). */
    gettingStarted?: boolean
  } = {},
): Promise<Page> {
  if (!opts.gettingStarted) await skipGettingStarted(served)
  const context = await browser.newContext({
    colorScheme: opts.colorScheme ?? 'light',
    viewport: opts.viewport ?? { width: 1280, height: 800 },
  })
  const page = await context.newPage()
  await page.goto(served.url)
  await page.getByTestId('workbench').waitFor({ timeout: 30_000 })
  return page
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true })
}

/** The contract over a Node WebSocket, as a script or another tool would use it (token as the first message). */
export async function connectApi(served: ServedHearth): Promise<{ api: ContractClient; close: () => void }> {
  const c = await connectContract(served.url)
  return { api: c.client, close: c.close }
}
