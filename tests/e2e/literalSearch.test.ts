import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  SKIP_E2E,
  launchChromium,
  openEditor,
  removeDir,
  startServe,
  tempDir,
  type ServedHearth,
} from '../helpers/serve'
import { item, tab, waitForEditor } from './editorFlows'

/**
 * Literal search and replace as a user does it: the built renderer in Chromium against
 * `hearth serve`. Type a query, Enter searches, results grouped by file; replace with a preview,
 * the open editor follows, undo puts everything back.
 */
describe.skipIf(SKIP_E2E)('literal search and replace in Chromium (hearth serve)', () => {
  let parent: string
  let ws: string
  let served: ServedHearth
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []
  const files = {
    'src/config.ts': 'export const retryLimit = 3\nexport function useRetryLimit() { return retryLimit }\n',
    'src/win.ts': 'import { retryLimit } from "./config"\r\nconsole.log(retryLimit)\r\n',
    'docs/notes.md': 'The retryLimitHelper is not the same word.\n',
  }

  beforeAll(async () => {
    parent = await tempDir('hearth-e2e-literal-')
    ws = join(parent, 'project')
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(join(ws, rel, '..'), { recursive: true })
      await writeFile(join(ws, rel), text)
    }
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

  const groups = () => page.getByTestId('literal-file')

  it('Enter runs a literal search; results come grouped by file; Alt+Enter opens the hit', async () => {
    await item(page, 'src').click()
    await item(page, 'src/config.ts').click()
    await waitForEditor(page, 'src/config.ts', 'export const retryLimit')

    await page.keyboard.press('Control+Shift+F')
    await page.getByTestId('search-mode').selectOption('literal')
    const input = page.getByTestId('search-input')
    await input.click()
    await input.fill('retryLimit')
    await input.press('Enter')
    await expect.poll(() => groups().count(), { timeout: 15_000 }).toBe(3)
    await expect.poll(() => page.getByTestId('search-summary').innerText()).toMatch(/^6 results in 3 files/)
    // Whole word leaves out retryLimitHelper (docs) and useRetryLimit's name.
    await page.getByTestId('search-word').click()
    await page.getByTestId('search-case').click()
    await input.press('Enter')
    await expect.poll(() => page.getByTestId('search-summary').innerText()).toMatch(/^4 results in 2 files/)
    const paths = (await Promise.all((await groups().all()).map((g) => g.getAttribute('data-path')))).sort()
    expect(paths).toEqual(['src/config.ts', 'src/win.ts'])
    // The CRLF file's lines show without a stray \r and the match is marked.
    const win = groups().and(page.locator('[data-path="src/win.ts"]'))
    await expect(win.locator('mark').first().innerText()).resolves.toBe('retryLimit')

    await input.press('Alt+Enter')
    await tab(page, 'src/config.ts').waitFor()
  })

  it('replaces with a preview, the open editor follows, and Undo puts every file back', async () => {
    await page.getByTestId('replace-input').fill('maxRetries')
    await page.getByTestId('replace-preview').click()
    const list = page.getByTestId('replace-preview-list')
    await list.waitFor()
    await expect(list.locator('del').count()).resolves.toBe(4)
    await expect(list.locator('ins').first().innerText()).resolves.toBe('maxRetries')

    await page.getByTestId('replace-all').click()
    await expect
      .poll(() => page.getByTestId('replace-status').innerText(), { timeout: 15_000 })
      .toContain('Replaced 4 occurrences in 2 files.')
    expect(await readFile(join(ws, 'src/config.ts'), 'utf8')).toBe(
      'export const maxRetries = 3\nexport function useRetryLimit() { return maxRetries }\n',
    )
    expect(await readFile(join(ws, 'src/win.ts'), 'utf8')).toBe(
      'import { maxRetries } from "./config"\r\nconsole.log(maxRetries)\r\n',
    )
    expect(await readFile(join(ws, 'docs/notes.md'), 'utf8')).toBe(files['docs/notes.md'])
    // The open (clean) editor shows the new text without a reload.
    await waitForEditor(page, 'src/config.ts', 'export const maxRetries = 3')
    // The search ran again: nothing left to find.
    await expect.poll(() => page.getByTestId('search-summary').innerText()).toMatch(/^No results/)

    await page.getByTestId('replace-undo').click()
    await expect
      .poll(() => page.getByTestId('replace-status').innerText(), { timeout: 15_000 })
      .toContain('Restored 2 files.')
    for (const [rel, text] of Object.entries(files)) expect(await readFile(join(ws, rel), 'utf8')).toBe(text)
    await waitForEditor(page, 'src/config.ts', 'export const retryLimit = 3')
    await expect.poll(() => page.getByTestId('search-summary').innerText()).toMatch(/^4 results in 2 files/)
  })

  it('a preview is dropped as soon as the search or the replacement changes', async () => {
    const list = page.getByTestId('replace-preview-list')
    await page.getByTestId('replace-preview').click()
    await list.waitFor()
    // Whole word off: the preview's match numbers would mean other text, so it must go.
    await page.getByTestId('search-word').click()
    await expect.poll(() => list.count()).toBe(0)
    await page.getByTestId('search-word').click()
    await page.getByTestId('replace-preview').click()
    await list.waitFor()
    await page.getByTestId('replace-input').fill('maxRetries2')
    await expect.poll(() => list.count()).toBe(0)
  })

  it('an invalid regex says why in the panel', async () => {
    await page.getByTestId('search-regex').click()
    const input = page.getByTestId('search-input')
    await input.fill('retry(')
    await input.press('Enter')
    await expect
      .poll(() => page.locator('[data-testid="panel-search"] .search-note.error').innerText())
      .toBe('"retry(" is not a valid regular expression: Unterminated group')
    expect(pageErrors).toEqual([])
  })
})
