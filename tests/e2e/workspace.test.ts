import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { HearthError } from '../../src/shared/errors'
import { writeSampleWorkspace } from '../helpers/sampleWorkspace'
import {
  SKIP_E2E,
  connectApi,
  launchChromium,
  openEditor,
  removeDir,
  startServe,
  tempDir,
  type ServedHearth,
} from '../helpers/serve'
import { editorText, focusEditorEnd, item, tab, visibleText, waitForEditor, waitSaved } from './editorFlows'

if (SKIP_E2E) console.warn('e2e: HEARTH_SKIP_E2E=1, browser tests skipped')

/**
 * The editor end to end: the built renderer in Debian Chromium against `hearth serve` on a temp
 * workspace, checking the bytes on disk after every save.
 */
describe.skipIf(SKIP_E2E)('workspace and editor in Chromium (hearth serve)', () => {
  let parent: string
  let ws: string
  let served: ServedHearth
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    parent = await tempDir('hearth-e2e-')
    ws = join(parent, 'project')
    await writeSampleWorkspace(ws)
    await writeFile(join(parent, 'outside.txt'), 'secret outside the workspace\n')
    served = await startServe({ workspace: ws })
    browser = await launchChromium()
    page = await openEditor(browser, served)
    page.on('pageerror', (e) => pageErrors.push(e.message))
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await removeDir(parent)
  })

  it('loads with the token taken out of the address bar, and no cookie', async () => {
    expect(page.url()).not.toContain('token=')
    expect(page.url()).toBe(`${served.origin}/`)
    await expect(page.context().cookies()).resolves.toEqual([])
    await item(page, 'src').waitFor()
    // Ignored folders are listed, greyed out, as in VS Code.
    await expect(item(page, 'node_modules').getAttribute('class')).resolves.toContain('ignored')
  })

  it('opens a file from the explorer, edits and saves it, and the bytes on disk match', async () => {
    await item(page, 'src').click()
    await item(page, 'src/router.ts').click()
    await waitForEditor(page, 'src/router.ts', 'export class Router')
    await expect(page.getByTestId('status-language').innerText()).resolves.toBe('TypeScript')
    await expect(page.getByTestId('status-encoding').innerText()).resolves.toBe('UTF-8')
    await expect(page.getByTestId('status-eol').innerText()).resolves.toBe('LF')

    const before = await readFile(join(ws, 'src/router.ts'), 'utf8')
    await focusEditorEnd(page)
    await page.keyboard.type('export const ADDED = 42')
    await expect(tab(page, 'src/router.ts').getAttribute('data-dirty')).resolves.toBe('true')
    await expect(page.getByTestId('status-position').innerText()).resolves.toMatch(/^Ln \d+, Col 24$/)
    await page.keyboard.press('Control+s')
    await waitSaved(page, 'src/router.ts')
    expect(await readFile(join(ws, 'src/router.ts'), 'utf8')).toBe(before + 'export const ADDED = 42')
  })

  it('opens a file with quick open (fuzzy) and keeps BOM + CRLF on save', async () => {
    await page.keyboard.press('Control+p')
    const input = page.getByTestId('quickopen-input')
    await input.waitFor()
    await input.fill('winnot')
    await expect
      .poll(() => page.getByTestId('quickopen-item').first().getAttribute('data-path'))
      .toBe('docs/windows-notes.txt')
    await input.press('Enter')
    await expect(page.getByTestId('quickopen').count()).resolves.toBe(0)
    await waitForEditor(page, 'docs/windows-notes.txt', 'line two')
    await expect(page.getByTestId('status-encoding').innerText()).resolves.toBe('UTF-8 with BOM')
    await expect(page.getByTestId('status-eol').innerText()).resolves.toBe('CRLF')

    await focusEditorEnd(page)
    await page.keyboard.type('line three')
    await page.keyboard.press('Enter')
    await page.keyboard.type('line four')
    await page.keyboard.press('Control+s')
    await waitSaved(page, 'docs/windows-notes.txt')
    const bytes = await readFile(join(ws, 'docs/windows-notes.txt'))
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(bytes.subarray(3).toString('utf8')).toBe('Windows notes\r\nline two\r\nline three\r\nline four')
  })

  it('reloads an unmodified buffer when the file changes on disk', async () => {
    await tab(page, 'src/router.ts').click()
    await waitForEditor(page, 'src/router.ts', 'ADDED')
    const text = await readFile(join(ws, 'src/router.ts'), 'utf8')
    await writeFile(join(ws, 'src/router.ts'), text.replace('A tiny router', 'A CHANGED OUTSIDE router'))
    await waitForEditor(page, 'src/router.ts', 'A CHANGED OUTSIDE router')
    await expect(tab(page, 'src/router.ts').getAttribute('data-dirty')).resolves.toBe('false')
    await expect(page.getByTestId('doc-banner').count()).resolves.toBe(0)
  })

  it('asks about a modified buffer changed on disk: Compare, then Overwrite', async () => {
    await item(page, 'src/index.ts').click()
    await waitForEditor(page, 'src/index.ts', 'new Router()')
    await focusEditorEnd(page)
    await page.keyboard.type('// mine')
    await writeFile(join(ws, 'src/index.ts'), '// theirs\n')
    const banner = page.getByTestId('doc-banner')
    await banner.and(page.locator('[data-kind="changedOnDisk"]')).waitFor({ timeout: 15_000 })
    expect(await editorText(page)).toContain('// mine') // nothing the user wrote is lost

    await page.getByTestId('banner-compare').click()
    await page.getByTestId('diff-editor').waitFor()
    await expect
      .poll(() => visibleText(page.getByTestId('diff-editor')), { timeout: 10_000 })
      .toContain('// theirs')

    await page.getByTestId('banner-overwrite').click()
    await waitSaved(page, 'src/index.ts')
    await expect(page.getByTestId('diff-editor').count()).resolves.toBe(0)
    const disk = await readFile(join(ws, 'src/index.ts'), 'utf8')
    expect(disk).toContain('new Router()')
    expect(disk.endsWith('// mine')).toBe(true)
  })

  it('Reload drops the local edits for the disk version', async () => {
    await focusEditorEnd(page)
    await page.keyboard.type(' and more')
    await writeFile(join(ws, 'src/index.ts'), '// theirs, again\n')
    await page.getByTestId('banner-reload').click()
    await waitForEditor(page, 'src/index.ts', '// theirs, again')
    await expect(tab(page, 'src/index.ts').getAttribute('data-dirty')).resolves.toBe('false')
  })

  it('shows a clear message for a binary file instead of the editor', async () => {
    await item(page, 'assets').click()
    await item(page, 'assets/logo.png').click()
    const msg = page.getByTestId('editor-message')
    await msg.waitFor()
    await expect(msg.getAttribute('data-code')).resolves.toBe('binary')
    await expect(msg.innerText()).resolves.toMatch(/binary/i)
  })

  it('refuses ../outside.txt through the API', async () => {
    const { api, close } = await connectApi(served)
    try {
      const err = await api.call('file.read', { path: '../outside.txt' }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(HearthError)
      expect((err as HearthError).code).toBe('forbidden')
      const abs = await api
        .call('file.read', { path: join(parentDirOf(ws), 'outside.txt') })
        .catch((e: unknown) => e)
      expect((abs as HearthError).code).toBe('forbidden')
      const write = await api
        .call('file.write', { path: '../outside.txt', text: 'pwned', encoding: 'utf8', eol: '\n' })
        .catch((e: unknown) => e)
      expect((write as HearthError).code).toBe('forbidden')
      expect(await readFile(join(parent, 'outside.txt'), 'utf8')).toBe('secret outside the workspace\n')
    } finally {
      close()
    }
  })

  it('Ctrl+W on a modified tab asks first; Ctrl+B hides the sidebar', async () => {
    await tab(page, 'docs/windows-notes.txt').click()
    await focusEditorEnd(page)
    await page.keyboard.type('!')
    // Browsers keep Ctrl+W for themselves; VS Code's alternate Ctrl+F4 reaches the page.
    await page.keyboard.press('Control+F4')
    await page.getByTestId('confirm-close').waitFor()
    await page.getByTestId('confirm-discard').click()
    await expect(tab(page, 'docs/windows-notes.txt').count()).resolves.toBe(0)
    expect((await readFile(join(ws, 'docs/windows-notes.txt'))).toString('utf8').endsWith('line four')).toBe(
      true,
    )

    await page.keyboard.press('Control+Shift+F')
    await expect(page.getByTestId('panel-search').isVisible()).resolves.toBe(true)
    // The query box has the focus (typing goes straight into the search).
    await expect.poll(() => page.locator('[data-testid="panel-search"] input:focus').count()).toBe(1)

    await page.keyboard.press('Control+b')
    await expect(page.getByTestId('sidebar').isHidden()).resolves.toBe(true)
    await page.keyboard.press('Control+Shift+E')
    await expect(page.getByTestId('sidebar').isVisible()).resolves.toBe(true)
  })

  it('opens another folder from Open Folder…, with a clear error for a bad path', async () => {
    await mkdir(join(parent, 'other'), { recursive: true })
    await writeFile(join(parent, 'other/hello.ts'), 'export const hello = "world"\n')
    await page.getByTestId('activity-open-folder').click()
    const input = page.getByTestId('open-folder-input')
    await input.fill(join(parent, 'does-not-exist'))
    await page.getByTestId('open-folder-submit').click()
    await expect(page.getByTestId('open-folder-error').innerText()).resolves.toMatch(/does not exist/)
    await input.fill(join(parent, 'other'))
    await page.getByTestId('open-folder-submit').click()
    await page
      .locator(`[data-testid="workbench"][data-workspace="${await realpath(join(parent, 'other'))}"]`)
      .waitFor()
    await item(page, 'hello.ts').click()
    await waitForEditor(page, 'hello.ts', 'export const hello')
  })

  it('shows the disconnected state when the server goes away, keeping the buffer', async () => {
    await focusEditorEnd(page)
    await page.keyboard.type('// unsaved')
    await served.stop()
    await page.getByTestId('connection-banner').waitFor({ timeout: 15_000 })
    expect(await editorText(page)).toContain('// unsaved')
    expect(pageErrors).toEqual([])
  })
})

function parentDirOf(p: string): string {
  return join(p, '..')
}
