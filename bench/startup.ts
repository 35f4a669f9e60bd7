/**
 * Startup benchmark (`npm run bench:startup`, after `npm run build`): prints JSON.
 *  - time from spawning `hearth serve` to the editor showing a file in Chromium (median of N runs,
 *    plus p95/min/max), split into: server printed its URL / workbench painted / file text visible;
 *  - the renderer bundle (out/renderer): raw and gzip bytes, all files and what the page loads at start;
 *  - resident memory of the server process once the file is shown.
 * Chromium is launched once (it is the user's browser, not part of Hearth's start); every run
 * uses a fresh browser context (empty cache) and a fresh server on a fresh copy of the workspace.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { writeSampleWorkspace } from '../tests/helpers/sampleWorkspace'
import { REPO_ROOT, launchChromium, removeDir, rssBytes, startServe, tempDir } from '../tests/helpers/serve'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const FILE = 'src/router.ts'
const NEEDLE = 'export class Router'

interface Run {
  serverReadyMs: number
  workbenchMs: number
  editorMs: number
  serverRssBytes: number | undefined
  /** RSS when the URL was printed, before the page loaded and before background indexing grew. */
  serverRssAtReadyBytes: number | undefined
  /** Bytes the page fetched before the file showed (scripts, styles, fonts; workers start later). */
  pageLoadBytes: number
}

function stats(xs: number[]): { median: number; p95: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b)
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN
  const mid = Math.floor(s.length / 2)
  const median = s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
  return { median: round(median), p95: round(at(0.95)), min: round(s[0] ?? NaN), max: round(s.at(-1) ?? NaN) }
}

const round = (n: number): number => Math.round(n * 10) / 10

function bundleSize(dir: string): { files: number; rawBytes: number; gzipBytes: number } {
  let files = 0
  let rawBytes = 0
  let gzipBytes = 0
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else {
        const buf = readFileSync(p)
        files++
        rawBytes += buf.length
        gzipBytes += gzipSync(buf, { level: 9 }).length
      }
    }
  }
  walk(dir)
  return { files, rawBytes, gzipBytes }
}

async function main(): Promise<void> {
  const browser = await launchChromium()
  const runs: Run[] = []
  try {
    for (let i = 0; i < RUNS; i++) {
      const dir = await tempDir('hearth-bench-')
      const ws = join(dir, 'tiny-http')
      await writeSampleWorkspace(ws)
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      const t0 = performance.now()
      // A returning user: the getting-started page of a fresh install was already dealt with.
      const dataDir = join(dir, 'data')
      mkdirSync(dataDir, { recursive: true })
      writeFileSync(join(dataDir, 'setup.json'), '{"done":true}\n')
      const served = await startServe({ workspace: ws, dataDir })
      try {
        const serverReadyMs = performance.now() - t0
        const serverRssAtReadyBytes = rssBytes(served.pid)
        const page = await context.newPage()
        await page.goto(served.url)
        await page.getByTestId('workbench').waitFor({ timeout: 60_000 })
        const workbenchMs = performance.now() - t0
        await page.locator(`[data-testid="explorer-item"][data-path="src"]`).click()
        await page.locator(`[data-testid="explorer-item"][data-path="${FILE}"]`).click()
        await page
          .locator('[data-testid="editor"] .view-lines')
          .filter({ hasText: NEEDLE })
          .waitFor({ timeout: 60_000 })
        const editorMs = performance.now() - t0
        // Runs in the page; typed structurally because bench/ compiles without the DOM lib.
        const pageLoadBytes = await page.evaluate(() => {
          const perf = (
            globalThis as unknown as { performance: { getEntries(): { encodedBodySize?: number }[] } }
          ).performance
          return perf.getEntries().reduce((sum, e) => sum + (e.encodedBodySize ?? 0), 0)
        })
        runs.push({
          serverReadyMs,
          workbenchMs,
          editorMs,
          serverRssBytes: rssBytes(served.pid),
          serverRssAtReadyBytes,
          pageLoadBytes,
        })
      } finally {
        await context.close()
        await served.stop()
        await removeDir(dir)
      }
    }
  } finally {
    await browser.close()
  }
  const mib = (xs: (number | undefined)[]): ReturnType<typeof stats> | null => {
    const known = xs.filter((x): x is number => x !== undefined)
    return known.length ? stats(known.map((b) => b / 2 ** 20)) : null
  }
  const result = {
    bench: 'startup',
    runs: RUNS,
    file: FILE,
    note: 'ms from spawning `node bin/hearth.js serve` (fresh server, fresh browser context each run); headless Debian Chromium',
    serverReadyMs: stats(runs.map((r) => r.serverReadyMs)),
    workbenchVisibleMs: stats(runs.map((r) => r.workbenchMs)),
    editorShowsFileMs: stats(runs.map((r) => r.editorMs)),
    // One process: the core's worker threads (the index's PGlite) count in its RSS.
    serverRssMiB: mib(runs.map((r) => r.serverRssBytes)),
    serverRssAtReadyMiB: mib(runs.map((r) => r.serverRssAtReadyBytes)),
    bundle: {
      all: bundleSize(join(REPO_ROOT, 'out/renderer')),
      loadedBeforeFileShownBytes: stats(runs.map((r) => r.pageLoadBytes)).median,
    },
    machine: { node: process.version, platform: process.platform, arch: process.arch },
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n')
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:startup failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
