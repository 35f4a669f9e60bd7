import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
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
import { editorText, focusEditorEnd, item, tab, waitForEditor, waitSaved } from './editorFlows'

const FILES: Record<string, string> = {
  'src/a/index.js': 'export const a = 1\n',
  'src/b/index.js': 'export const b = 2\n',
  'notes.txt': 'line one\nline two\nline three\n',
  'README.md': '# sample\n',
}

const paletteItems = (page: Page) => page.getByTestId('palette-item')
const quickItems = (page: Page) => page.getByTestId('quickopen-item')
const editorHasFocus = (page: Page) =>
  page.evaluate('!!document.activeElement?.closest(\'[data-testid="editor"]\')')

/**
 * The command palette, quick open and the keyboard-shortcuts view, end to end: the built renderer
 * in Debian Chromium against `hearth serve` on a temp folder.
 */
describe.skipIf(SKIP_E2E)('command palette and quick open in Chromium (hearth serve)', () => {
  let parent: string
  let served: ServedHearth
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    parent = await tempDir('hearth-palette-')
    const ws = join(parent, 'project')
    for (const [path, text] of Object.entries(FILES)) {
      await mkdir(dirname(join(ws, path)), { recursive: true })
      await writeFile(join(ws, path), text)
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

  it('Ctrl+Shift+P runs a command, with its key shown; F1 lists it first next time', async () => {
    await page.keyboard.press('Control+Shift+P')
    const input = page.getByTestId('quickopen-input')
    await expect(input.inputValue()).resolves.toBe('>')
    await input.pressSequentially('tog side')
    await expect
      .poll(() => paletteItems(page).first().getAttribute('data-command'))
      .toBe('view.toggleSidebar')
    await expect(paletteItems(page).first().innerText()).resolves.toContain('View: Toggle Sidebar Visibility')
    await expect(paletteItems(page).first().locator('kbd').innerText()).resolves.toBe('Ctrl+B')
    await input.press('Enter')
    await expect(page.getByTestId('quickopen').count()).resolves.toBe(0)
    await expect(page.getByTestId('sidebar').isHidden()).resolves.toBe(true)

    // F1 is ours now (not Monaco's editor-only palette), recently used first.
    await page.keyboard.press('F1')
    await expect
      .poll(() => paletteItems(page).first().getAttribute('data-command'))
      .toBe('view.toggleSidebar')
    await expect(paletteItems(page).first().innerText()).resolves.toContain('recently used')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('sidebar').isVisible()).resolves.toBe(true)
  })

  it('quick open with ">" switches to commands; a command opens a file; Escape gives the editor focus back', async () => {
    await page.keyboard.press('Control+p')
    const input = page.getByTestId('quickopen-input')
    await input.pressSequentially('>go to file')
    await expect(page.getByTestId('quickopen').getAttribute('data-mode')).resolves.toBe('commands')
    await expect
      .poll(() => paletteItems(page).first().getAttribute('data-command'))
      .toBe('workbench.quickOpen')
    await input.press('Enter')
    await expect(page.getByTestId('quickopen').getAttribute('data-mode')).resolves.toBe('files')
    await page.getByTestId('quickopen-input').pressSequentially('notes')
    await expect.poll(() => quickItems(page).first().getAttribute('data-path')).toBe('notes.txt')
    await page.keyboard.press('Enter')
    await waitForEditor(page, 'notes.txt', 'line three')

    await page.keyboard.press('Control+Shift+P')
    await page.getByTestId('quickopen').waitFor()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('quickopen').count()).resolves.toBe(0)
    await expect.poll(() => editorHasFocus(page)).toBe(true)
  })

  it('lists the editor’s own actions too, and runs them on the editor', async () => {
    // F1 from inside the editor opens ours, not Monaco's editor-only palette.
    await expect.poll(() => editorHasFocus(page)).toBe(true)
    await page.keyboard.press('F1')
    await expect(page.locator('.quick-input-widget:visible').count()).resolves.toBe(0)
    await expect(page.getByTestId('quickopen-input').inputValue()).resolves.toBe('>')
    await page.getByTestId('quickopen-input').pressSequentially('go to line')
    const gotoLine = page.locator('[data-testid="palette-item"][data-command="editor.action.gotoLine"]')
    await gotoLine.waitFor()
    await gotoLine.click()
    // Monaco's own "go to line" input opens in the editor.
    await page.locator('.quick-input-widget').waitFor({ state: 'visible' })
    await page.keyboard.press('Escape')
  })

  it('Ctrl+P with nothing typed lists recently opened files first, starting on the previous one', async () => {
    await page.keyboard.press('Control+p')
    await page.getByTestId('quickopen-input').pressSequentially('README')
    await expect.poll(() => quickItems(page).first().getAttribute('data-path')).toBe('README.md')
    await page.keyboard.press('Enter')
    await waitForEditor(page, 'README.md', 'sample')

    await page.keyboard.press('Control+p')
    await expect.poll(() => quickItems(page).first().getAttribute('data-path')).toBe('README.md')
    const first: string[][] = []
    for (let i = 0; i < 3; i++) {
      const item = quickItems(page).nth(i)
      first.push([
        (await item.getAttribute('data-path')) ?? '',
        (await item.getAttribute('data-recent')) ?? '',
      ])
    }
    expect(first).toEqual([
      ['README.md', 'true'],
      ['notes.txt', 'true'],
      ['src/a/index.js', 'false'],
    ])
    await expect(quickItems(page).nth(1).getAttribute('aria-selected')).resolves.toBe('true')
    await page.keyboard.press('Enter')
    await waitForEditor(page, 'notes.txt', 'line three')
  })

  it('tabs with the same name show their folder', async () => {
    for (const path of ['src/a/index.js', 'src/b/index.js']) {
      await page.keyboard.press('Control+p')
      await page.getByTestId('quickopen-input').pressSequentially(path)
      await expect.poll(() => quickItems(page).first().getAttribute('data-path')).toBe(path)
      await page.keyboard.press('Enter')
      await tab(page, path).waitFor()
    }
    await expect(tab(page, 'src/a/index.js').getByTestId('tab-hint').innerText()).resolves.toBe('src/a')
    await expect(tab(page, 'src/b/index.js').getByTestId('tab-hint').innerText()).resolves.toBe('src/b')
    await expect(tab(page, 'notes.txt').getByTestId('tab-hint').count()).resolves.toBe(0)
  })

  it('Ctrl+K Ctrl+S shows every command and its keys, searchable', async () => {
    await page.keyboard.press('Control+k')
    await page.keyboard.press('Control+s')
    const view = page.getByTestId('shortcuts-view')
    await view.waitFor()
    await page.getByTestId('shortcuts-search').pressSequentially('sidebar')
    const row = view.locator('[data-testid="shortcut-row"][data-command="view.toggleSidebar"]')
    await expect(row.innerText()).resolves.toContain('Ctrl+B')
    await page.getByTestId('shortcuts-search').fill('ctrl+shift+p')
    await expect(view.getByTestId('shortcut-row').first().getAttribute('data-command')).resolves.toBe(
      'workbench.showCommands',
    )
    await page.keyboard.press('Escape')
    await expect(view.count()).resolves.toBe(0)
    expect(pageErrors).toEqual([])
  })

  it('the palette opened from the explorer runs Rename… on its selection with a file open; Escape gives the tree focus back', async () => {
    await expect(page.getByTestId('tab').count()).resolves.toBeGreaterThan(0)
    const focusedId = () => page.evaluate('document.activeElement?.getAttribute("data-testid")')
    await page.keyboard.press('Control+Shift+E')
    await item(page, 'README.md').click()
    await expect.poll(focusedId).toBe('explorer-tree')
    await page.keyboard.press('Control+Shift+P')
    await page.getByTestId('quickopen').waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(focusedId).toBe('explorer-tree')

    await page.keyboard.press('Control+Shift+P')
    const input = page.getByTestId('quickopen-input')
    await input.pressSequentially('explorer rename')
    await expect.poll(() => paletteItems(page).first().getAttribute('data-command')).toBe('explorer.rename')
    await input.press('Enter')
    const nameInput = page.getByTestId('explorer-name-input')
    await nameInput.waitFor()
    await expect(nameInput.inputValue()).resolves.toBe('README.md')
    await page.keyboard.press('Escape')
    await nameInput.waitFor({ state: 'detached' })
  })

  it('Ctrl+K S in the editor saves all, and the next character typed lands in the file', async () => {
    await tab(page, 'notes.txt').click()
    await waitForEditor(page, 'notes.txt', 'line three')
    await focusEditorEnd(page)
    await page.keyboard.type('y')
    await page.keyboard.press('Control+k')
    await page.keyboard.press('s')
    await waitSaved(page, 'notes.txt')
    await page.keyboard.type('x')
    await expect.poll(() => editorText(page)).toContain('yx')
    expect(pageErrors).toEqual([])
  })
})
