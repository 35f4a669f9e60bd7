/**
 * `npm run docs:screenshot`: takes the README screenshot (docs/screenshot.png) from the real app
 * served by `hearth serve`, in headless Chromium, on the sample workspace (a small TypeScript HTTP
 * server): the explorer expanded, src/router.ts open, a comment being typed and the ghost text the
 * model really wrote for it, dark theme.
 *
 * The model is the real test GGUF (../shared/models/stories260K-fim-test.gguf: 260K parameters,
 * trained on children's stories, so it writes story text; any GGUF gives the same picture). It is
 * installed the way a user installs one: `models.pull` with `use: true` through the contract, from a
 * local server with Hugging Face's layout (tests/helpers/fakeHub), so the data dir gets the file,
 * its sha256 check and the settings the app writes, and nothing here edits a settings file. Its
 * own file name is kept, so the status bar names the model that wrote the ghost text.
 *
 * Needs the build (`npx electron-vite build`) and Chromium (HEARTH_CHROMIUM, default
 * /usr/bin/chromium). An optional argument writes somewhere else than docs/screenshot.png.
 * Prints the path it wrote; exits 1 with the reason when it could not. The server, the browser,
 * the local hub and the temporary workspace + data folder go away on success, on failure and on
 * Ctrl-C alike.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { item, waitForEditor } from '../tests/e2e/editorFlows'
import { FakeHub } from '../tests/helpers/fakeHub'
import { writeSampleWorkspace } from '../tests/helpers/sampleWorkspace'
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  REPO_ROOT,
  connectApi,
  openEditor,
  removeDir,
  startServe,
  tempDir,
} from '../tests/helpers/serve'
import { testModel } from '../tests/helpers/testModels'

const OUT = resolve(process.argv[2] ?? join(REPO_ROOT, 'docs/screenshot.png'))
const VIEWPORT = { width: 1280, height: 760 }
/** A real screenshot of the workbench is well above this; a blank or broken page is not. */
const MIN_PNG_BYTES = 20_000
/** After a signal, how long the script waits for a step in flight before it exits anyway. */
const SIGNAL_GRACE_MS = 25_000
const MODEL = testModel('stories260K-fim-test.gguf')
/** Where the local hub serves it: `hf:<repo>/<file>` is how a user pulls any GGUF from the hub. */
const MODEL_REPO = 'hearth-test/stories260K-fim-GGUF'
const MODEL_FILE = 'stories260K-fim-test.gguf'
/** What is typed at the end of the sample's `routes` field: a comment the model can go on with. */
const TYPED = '// Each route '
/** The first completion loads the model; generous for a slow, shared machine. */
const GHOST_TIMEOUT_MS = 60_000

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
  if (!existsSync(MODEL)) throw new Error(`the test model is missing: ${MODEL}`)
  tmp = await tempDir('hearth-shot-')
  const workspace = join(tmp, 'tiny-http')
  await writeSampleWorkspace(workspace)
  // Our own data dir, inside tmp: recent folders, settings and the index never touch the user's.
  const dataDir = join(tmp, 'data')
  await mkdir(dataDir)

  const bytes = new Uint8Array(await readFile(MODEL))
  const hub = await own(
    'stop the local hub',
    new FakeHub([{ repo: MODEL_REPO, file: MODEL_FILE, bytes }]).start(),
    (h) => h.close(),
  )
  const served = await own(
    'stop hearth serve',
    // Only the hub's address is set: the completion route is the one the app's own settings give.
    startServe({ workspace, dataDir, env: { HF_ENDPOINT: hub.url } }),
    (s) => s.stop(),
  )
  // As the getting-started page's button does, with a model of our choosing: download, check the
  // sha256, and make the active profile's completions use it.
  const { api, close } = await connectApi(served)
  try {
    const pulled = await api.call('models.pull', { spec: `hf:${MODEL_REPO}/${MODEL_FILE}`, use: true })
    if (pulled.usedFor !== 'completion') throw new Error(`the model was not taken for completions`)
  } finally {
    close()
  }
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
  // Let the index finish its first pass so the status bar shows counts, not "opening…" (and
  // before typing: the first completion then has the machine to itself).
  const indexed = await page
    .getByTestId('status-slot-index')
    .filter({ hasText: /files ·/ })
    .waitFor({ timeout: 30_000 })
    .then(
      () => true,
      () => false,
    )
  if (!indexed && !stopping) warn('the index had not finished in 30 s; the status bar shows it')
  // A new line under the class's `routes` field, and the start of a comment there: the model
  // continues it as ghost text, the way completions look while typing.
  await page.getByText('private readonly routes').click()
  await page.locator('[data-testid="editor"] .monaco-editor.focused').waitFor({ timeout: 10_000 })
  await page.keyboard.press('End')
  await page.keyboard.press('Enter')
  await page.keyboard.type(TYPED)
  await page.mouse.move(0, 0)
  const ghost = page.locator(
    '[data-testid="editor"] .ghost-text-decoration, [data-testid="editor"] .ghost-text',
  )
  const deadline = Date.now() + GHOST_TIMEOUT_MS
  while (!stopping && (await ghost.allInnerTexts()).join('').trim() === '') {
    if (Date.now() > deadline) {
      throw new Error(`no ghost text within ${GHOST_TIMEOUT_MS / 1000} s:\n${served.output().slice(-2000)}`)
    }
    await page.waitForTimeout(100)
  }
  // The answer streams: wait until it stops changing, so the picture shows the whole suggestion.
  let last = ''
  let unchanged = 0
  while (unchanged < 5 && !stopping) {
    await page.waitForTimeout(100)
    const now = (await ghost.allInnerTexts()).join('')
    unchanged = now === last ? unchanged + 1 : 0
    last = now
  }
  await page.waitForTimeout(300) // let tokenisation and the minimap settle
  // Not a failure (the app's state is the app's business), but a README should not show these.
  const alarms = await page
    .locator(
      '[data-testid="statusbar"] [class*="-status-error"], [data-testid="statusbar"] [class*="-status-warn"]',
    )
    .allInnerTexts()
  for (const text of alarms) warn(`the status bar shows a problem: ${text.trim()}`)

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
