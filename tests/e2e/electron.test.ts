import { existsSync, readFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { writeSampleWorkspace } from '../helpers/sampleWorkspace'
import { REPO_ROOT, SKIP_E2E, removeDir, tempDir } from '../helpers/serve'
import { focusEditorEnd, item, tab, waitForEditor, waitSaved } from './editorFlows'

/**
 * The Electron binary, where `npm i` could download it (here it cannot: no GitHub access). Reads
 * what `require('electron')` would return WITHOUT calling it: with the binary missing, that
 * require starts a download attempt.
 */
function electronBinary(): { path: string } | { why: string } {
  let pkgDir: string
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return { why: 'the electron package is not installed' }
  }
  const pathFile = join(pkgDir, 'path.txt')
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (!rel && !override) {
    return {
      why: 'the Electron binary was never downloaded (npm i ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1)',
    }
  }
  const path = override ? join(override, rel ?? 'electron') : join(pkgDir, 'dist', rel ?? '')
  return existsSync(path) ? { path } : { why: `the Electron binary ${path} does not exist` }
}

const electron = electronBinary()
const skipWhy = SKIP_E2E ? 'HEARTH_SKIP_E2E=1' : 'why' in electron ? electron.why : undefined
if (skipWhy) console.warn(`e2e electron: skipped — ${skipWhy}`)

/** The same flow as workspace.test.ts, in the desktop app: the renderer talks to the core over IPC. */
describe.skipIf(skipWhy !== undefined)('Electron app (IPC transport)', () => {
  let dir: string
  let ws: string
  let app: ElectronApplication
  let page: Page

  beforeAll(async () => {
    dir = await tempDir('hearth-electron-')
    ws = join(dir, 'project')
    await writeSampleWorkspace(ws)
    app = await _electron.launch({
      executablePath: 'path' in electron ? electron.path : '',
      // The workspace is the first non-flag argument after the app; Chromium switches may follow.
      args: [join(REPO_ROOT, 'out/main/index.js'), ws, '--no-sandbox'],
      // userData (recent folders, index) goes to a temp dir, never the user's profile.
      env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') },
    })
    page = await app.firstWindow()
    await page.getByTestId('workbench').waitFor({ timeout: 60_000 })
  })

  afterAll(async () => {
    await app?.close()
    await removeDir(dir)
  })

  it('uses the IPC bridge, not a WebSocket', async () => {
    expect(
      await page.evaluate(() => typeof (globalThis as { hearthIpc?: { send?: unknown } }).hearthIpc?.send),
    ).toBe('function')
  })

  it('opens from the explorer, edits, saves the exact bytes', async () => {
    await item(page, 'src').click()
    await item(page, 'src/router.ts').click()
    await waitForEditor(page, 'src/router.ts', 'export class Router')
    const before = await readFile(join(ws, 'src/router.ts'), 'utf8')
    await focusEditorEnd(page)
    await page.keyboard.type('export const VIA_IPC = 1')
    await page.keyboard.press('Control+s')
    await waitSaved(page, 'src/router.ts')
    expect(await readFile(join(ws, 'src/router.ts'), 'utf8')).toBe(before + 'export const VIA_IPC = 1')
  })

  it('quick open + BOM/CRLF kept on save', async () => {
    await page.keyboard.press('Control+p')
    await page.getByTestId('quickopen-input').fill('winnot')
    await page.getByTestId('quickopen-input').press('Enter')
    await waitForEditor(page, 'docs/windows-notes.txt', 'line two')
    await focusEditorEnd(page)
    await page.keyboard.type('line three')
    await page.keyboard.press('Control+s')
    await waitSaved(page, 'docs/windows-notes.txt')
    const bytes = await readFile(join(ws, 'docs/windows-notes.txt'))
    expect(bytes.toString('utf8')).toBe('\uFEFFWindows notes\r\nline two\r\nline three')
  })

  it('reloads a clean buffer changed outside, and closes a tab with Ctrl+W', async () => {
    await tab(page, 'src/router.ts').click()
    await writeFile(join(ws, 'src/router.ts'), '// replaced outside\n')
    await waitForEditor(page, 'src/router.ts', '// replaced outside')
    await page.keyboard.press('Control+w') // Electron, unlike a browser, lets the page have Ctrl+W
    await expect.poll(() => tab(page, 'src/router.ts').count()).toBe(0)
  })

  it('refuses a binary file with a message', async () => {
    await item(page, 'assets').click()
    await item(page, 'assets/logo.png').click()
    await expect(page.getByTestId('editor-message').getAttribute('data-code')).resolves.toBe('binary')
  })
})
