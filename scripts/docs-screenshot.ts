/**
 * `npm run docs:screenshot`: takes the README screenshot (docs/screenshot.png) from the real app
 * served by `hearth serve`, in headless Chromium, on the sample workspace (a small TypeScript HTTP
 * server): the explorer expanded, src/router.ts open with the cursor in it, dark theme.
 *
 * Needs the build (`npx electron-vite build`) and Chromium (HEARTH_CHROMIUM, default
 * /usr/bin/chromium). An optional argument writes somewhere else than docs/screenshot.png.
 * Prints the path it wrote; exits 1 with the reason when it could not. The server, the browser
 * and the temporary workspace + data folder go away on success, on failure and on Ctrl-C alike.
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { item, waitForEditor } from '../tests/e2e/editorFlows'
import { writeSampleWorkspace } from '../tests/helpers/sampleWorkspace'
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  REPO_ROOT,
  openEditor,
  removeDir,
  startServe,
  tempDir,
} from '../tests/helpers/serve'

const OUT = resolve(process.argv[2] ?? join(REPO_ROOT, 'docs/screenshot.png'))
const VIEWPORT = { width: 1280, height: 760 }
/** A real screenshot of the workbench is well above this; a blank or broken page is not. */
const MIN_PNG_BYTES = 20_000
/** After a signal, how long the script waits for a step in flight before it exits anyway. */
const SIGNAL_GRACE_MS = 25_000

/** The server and the browser, released last-in first-out, whichever way the script ends. */
const held: { what: string; release: () => Promise<void> }[] = []
/** The sample workspace and the server's data dir; removed once nothing writes there any more. */
let tmp: string | undefined
let stopping = false

async function releaseHeld(): Promise<void> {
  for (const h of held.splice(0).reverse()) {
    try {
      await h.release()
    } catch (err) {
      warn(`could not ${h.what}: ${message(err)}`)
    }
  }
}

async function cleanup(): Promise<void> {
  await releaseHeld()
  try {
    await removeDir(tmp)
  } catch (err) {
    warn(`could not remove ${tmp}: ${message(err)}`)
  }
}

/**
 * Waits for a resource and holds it until cleanup(). One that arrives after a signal (a server
 * still starting when Ctrl-C came) is released at once and the script goes no further.
 */
async function own<T>(what: string, create: Promise<T>, release: (t: T) => Promise<void>): Promise<T> {
  const t = await create
  held.push({ what, release: () => release(t) })
  if (stopping) {
    await releaseHeld()
    throw new Error('interrupted')
  }
  return t
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it, or point HEARTH_CHROMIUM at it`)
  }
  tmp = await tempDir('hearth-shot-')
  const workspace = join(tmp, 'tiny-http')
  await writeSampleWorkspace(workspace)
  // Our own data dir, inside tmp: recent folders, settings and the index never touch the user's.
  const dataDir = join(tmp, 'data')
  await mkdir(dataDir)

  const served = await own('stop hearth serve', startServe({ workspace, dataDir }), (s) => s.stop())
  // As launchChromium() does, but Playwright's own signal handlers would exit the process (Ctrl-C)
  // before the server is stopped and the folder removed: the handlers below do all of it.
  const launch = chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  })
  const browser = await own('close Chromium', launch, (b) => b.close())

  const page = await openEditor(browser, served, { colorScheme: 'dark', viewport: VIEWPORT })
  await item(page, 'src').click()
  await item(page, 'src/handlers').click()
  await item(page, 'tests').click()
  await item(page, 'src/index.ts').click()
  await waitForEditor(page, 'src/index.ts', 'createServer')
  await item(page, 'src/router.ts').click()
  await waitForEditor(page, 'src/router.ts', 'export class Router')
  // Put the cursor somewhere meaningful, so the status bar shows a real position.
  await page.locator('[data-testid="editor"] .view-line').nth(12).click()
  await page.keyboard.press('End')
  await page.mouse.move(0, 0)
  // Let the index finish its first pass so the status bar shows counts, not "opening…".
  const indexed = await page
    .getByTestId('status-slot-index')
    .filter({ hasText: /files ·/ })
    .waitFor({ timeout: 30_000 })
    .then(
      () => true,
      () => false,
    )
  if (!indexed && !stopping) warn('the index had not finished in 30 s; the status bar shows it')
  await page.waitForTimeout(300) // let tokenisation and the minimap settle
  // Not a failure (the app's state is the app's business), but a README should not show these.
  const errors = await page.locator('[data-testid="statusbar"] [class*="-status-error"]').allInnerTexts()
  for (const text of errors) warn(`the status bar shows an error: ${text.trim()}`)

  const png = await page.screenshot()
  if (png.subarray(1, 4).toString() !== 'PNG') {
    throw new Error('Chromium returned something that is not a PNG')
  }
  if (png.length < MIN_PNG_BYTES) {
    throw new Error(`the screenshot is only ${png.length} bytes, so the page is probably blank (not written)`)
  }
  await mkdir(dirname(OUT), { recursive: true })
  await writeFile(OUT, png)
  const shown = relative(process.cwd(), OUT)
  process.stdout.write(
    `${shown.startsWith('..') ? OUT : shown} (${VIEWPORT.width}×${VIEWPORT.height}, ${png.length} bytes)\n`,
  )
}

function warn(text: string): void {
  process.stderr.write(`docs:screenshot: warning: ${text}\n`)
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

const done = main().then(
  () => cleanup(),
  async (err: unknown) => {
    if (!stopping) process.stderr.write(`docs:screenshot failed: ${message(err)}\n`)
    await cleanup()
    process.exitCode = 1
  },
)

const EXIT_CODE = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    stopping = true
    process.stderr.write(`docs:screenshot: ${signal}, cleaning up\n`)
    setTimeout(() => process.exit(1), SIGNAL_GRACE_MS).unref()
    // Stop the server and the browser now (a step in flight then fails fast) and wait for main
    // to end: what it was still creating is released by own() as it arrives, and its own
    // cleanup removes the temporary folder once nothing writes there.
    void releaseHeld()
      .then(() => done)
      .finally(() => process.exit(EXIT_CODE[signal]))
  })
}
