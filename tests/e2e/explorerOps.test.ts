import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { ContractClient } from '../../src/shared/rpc/client'
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
import { focusEditorEnd, item, runCommand, tab, waitForEditor, waitSaved } from './editorFlows'

const POLL = { timeout: 20_000, interval: 100 }

/**
 * The explorer's file operations end to end: Chromium driving the built UI over `hearth serve`,
 * with the bytes on disk, the OS trash (pointed at a temp folder) and the index checked after
 * each operation.
 */
describe.skipIf(SKIP_E2E)('explorer file operations in Chromium (hearth serve)', () => {
  let parent: string
  let ws: string
  let trashHome: string
  let served: ServedHearth
  let browser: Browser
  let page: Page
  let api: ContractClient
  let closeApi: () => void
  const pageErrors: string[] = []

  const menu = (id: string) => page.getByTestId(`explorer-menu-${id}`)
  const nameInput = () => page.getByTestId('explorer-name-input')
  /** The browser's clipboard (the node side has no `navigator` type, hence the string). */
  const clipboard = (): Promise<string> => page.evaluate('navigator.clipboard.readText()')
  const paths = async (query: string): Promise<string[]> =>
    (await api.call('search.query', { query, mode: 'fts' })).results.map((r) => r.path)

  beforeAll(async () => {
    parent = await tempDir('hearth-e2e-ops-')
    ws = join(parent, 'project')
    trashHome = join(parent, 'xdg-data')
    await mkdir(join(ws, 'src/lib'), { recursive: true })
    await mkdir(join(ws, 'notes'))
    await writeFile(join(ws, 'src/alpha.ts'), 'export function zebraquokka(): number {\n  return 1\n}\n')
    await writeFile(join(ws, 'src/lib/util.ts'), 'export const wombatpangolin = 2\n')
    await writeFile(join(ws, 'README.md'), '# Project\n\nplatypusnarwhal lives here.\n')
    served = await startServe({ workspace: ws, env: { XDG_DATA_HOME: trashHome } })
    ;({ api, close: closeApi } = await connectApi(served))
    const deadline = Date.now() + 60_000
    while ((await api.call('index.status', {})).state !== 'ready') {
      if (Date.now() > deadline) throw new Error(`the index never got ready: ${served.output().slice(-2000)}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    browser = await launchChromium()
    page = await openEditor(browser, served)
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.origin })
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await item(page, 'src').waitFor()
  }, 120_000)

  afterAll(async () => {
    closeApi?.()
    await browser?.close()
    await served?.stop()
    await removeDir(parent)
  })

  it('New File from the context menu: bad names are explained inline, a good one is created and opened', async () => {
    await item(page, 'src').click({ button: 'right' })
    await menu('newFile').click()
    const input = nameInput()
    await input.waitFor()
    const error = page.getByTestId('explorer-name-error')
    await input.fill('alpha.ts')
    await expect(error.innerText()).resolves.toBe('"alpha.ts" already exists here. Choose another name.')
    await input.fill('a/b.ts')
    await expect(error.innerText()).resolves.toMatch(/cannot contain \//)
    await input.fill('..')
    await expect(error.innerText()).resolves.toBe('".." is not a valid name.')
    // Enter with a bad name keeps the box and what was typed.
    await input.press('Enter')
    await expect(input.inputValue()).resolves.toBe('..')
    await input.press('Escape')
    await input.waitFor({ state: 'detached' })
    expect((await readdir(join(ws, 'src'))).sort()).toEqual(['alpha.ts', 'lib'])

    await item(page, 'src').click({ button: 'right' })
    await menu('newFile').click()
    await nameInput().fill('beta.ts')
    await nameInput().press('Enter')
    await item(page, 'src/beta.ts').waitFor()
    await waitForEditor(page, 'src/beta.ts', '')
    expect((await readFile(join(ws, 'src/beta.ts'))).length).toBe(0)
    await tab(page, 'src/beta.ts').waitFor()
  })

  it('F2 renames an open file with unsaved edits: the tab follows, the save lands at the new path, search finds it there', async () => {
    await item(page, 'src/alpha.ts').click()
    await waitForEditor(page, 'src/alpha.ts', 'zebraquokka')
    await focusEditorEnd(page)
    await page.keyboard.type('// edited before the rename')
    await expect(tab(page, 'src/alpha.ts').getAttribute('data-dirty')).resolves.toBe('true')

    await item(page, 'src/alpha.ts').click()
    await page.keyboard.press('F2')
    const input = nameInput()
    await input.waitFor()
    // The stem is selected: typing replaces `alpha`, keeps `.ts`.
    await page.keyboard.type('gamma')
    await expect(input.inputValue()).resolves.toBe('gamma.ts')
    await input.press('Enter')
    await item(page, 'src/gamma.ts').waitFor()
    expect(existsSync(join(ws, 'src/alpha.ts'))).toBe(false)
    expect(await readFile(join(ws, 'src/gamma.ts'), 'utf8')).toBe(
      'export function zebraquokka(): number {\n  return 1\n}\n',
    )
    await tab(page, 'src/gamma.ts').waitFor()
    await expect(tab(page, 'src/alpha.ts').count()).resolves.toBe(0)
    await expect(tab(page, 'src/gamma.ts').getAttribute('data-dirty')).resolves.toBe('true')
    await waitForEditor(page, 'src/gamma.ts', 'edited before the rename')

    // A user-level check that search follows the rename. The poll would also pass once the
    // watcher caught up; that the index hears at once, without the watcher, is shown decisively
    // in tests/integration/index/directChangesReachIndex.test.ts (the watcher held back throughout).
    await expect.poll(() => paths('zebraquokka'), POLL).toEqual(['src/gamma.ts'])

    await page.keyboard.press('Control+s')
    await waitSaved(page, 'src/gamma.ts')
    expect(await readFile(join(ws, 'src/gamma.ts'), 'utf8')).toContain('// edited before the rename')
    expect(existsSync(join(ws, 'src/alpha.ts'))).toBe(false)
  })

  it('Copy Path and Copy Relative Path put the paths on the clipboard', async () => {
    await item(page, 'src/gamma.ts').click({ button: 'right' })
    await menu('copyRelativePath').click()
    await expect(clipboard()).resolves.toBe('src/gamma.ts')
    await item(page, 'src/gamma.ts').click({ button: 'right' })
    await menu('copyPath').click()
    await expect(clipboard()).resolves.toBe(join(served.workspace, 'src/gamma.ts'))
  })

  it('Delete asks, moves the file to the OS trash, closes its clean tab, and the index forgets it', async () => {
    await item(page, 'README.md').click()
    await waitForEditor(page, 'README.md', 'platypusnarwhal')
    await item(page, 'README.md').click()
    await page.keyboard.press('Delete')
    const dialog = page.getByTestId('explorer-delete-dialog')
    await dialog.waitFor()
    await expect(dialog.innerText()).resolves.toContain('Move “README.md” to the trash?')
    await page.getByTestId('explorer-delete-confirm').click()
    await item(page, 'README.md').waitFor({ state: 'detached' })
    expect(existsSync(join(ws, 'README.md'))).toBe(false)
    const trashed = await readdir(join(trashHome, 'Trash/files'))
    const bytes = await Promise.all(trashed.map((n) => readFile(join(trashHome, 'Trash/files', n), 'utf8')))
    expect(bytes).toContain('# Project\n\nplatypusnarwhal lives here.\n')
    await tab(page, 'README.md').waitFor({ state: 'detached' })
    await expect.poll(() => paths('platypusnarwhal'), POLL).toEqual([])
  })

  it('keys belong to whoever has focus: Delete in the name box edits the name, F2 in the editor is not a file rename', async () => {
    await item(page, 'src/gamma.ts').click()
    await page.keyboard.press('F2')
    await nameInput().waitFor()
    await page.keyboard.press('End')
    await page.keyboard.press('Delete')
    await page.keyboard.press('Backspace')
    await expect(nameInput().inputValue()).resolves.toBe('gamma.t')
    await expect(page.getByTestId('explorer-delete-dialog').count()).resolves.toBe(0)
    await page.keyboard.press('Escape')
    await nameInput().waitFor({ state: 'detached' })
    expect(existsSync(join(ws, 'src/gamma.ts'))).toBe(true)

    await item(page, 'src/gamma.ts').dblclick()
    await waitForEditor(page, 'src/gamma.ts', 'zebraquokka')
    await focusEditorEnd(page)
    await page.keyboard.press('F2')
    await page.waitForTimeout(300)
    await expect(nameInput().count()).resolves.toBe(0)
    await page.keyboard.press('Escape')
  })

  it('the palette reveals the active file in the explorer and renames it', async () => {
    await runCommand(page, 'reveal active file')
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")'))
      .toBe('explorer-tree')
    await expect(item(page, 'src/gamma.ts').getAttribute('aria-selected')).resolves.toBe('true')

    await runCommand(page, 'rename active file')
    await nameInput().waitFor()
    await nameInput().fill('delta.ts')
    await nameInput().press('Enter')
    await item(page, 'src/delta.ts').waitFor()
    await tab(page, 'src/delta.ts').waitFor()
    expect(await readFile(join(ws, 'src/delta.ts'), 'utf8')).toContain('zebraquokka')
    await expect.poll(() => paths('zebraquokka'), POLL).toEqual(['src/delta.ts'])
  })

  it('drag and drop moves a file into a folder; moving a folder into itself is refused', async () => {
    await item(page, 'src/lib').click()
    await item(page, 'src/lib/util.ts').waitFor()
    await item(page, 'src/lib/util.ts').dragTo(item(page, 'notes'))
    await item(page, 'notes/util.ts').waitFor()
    expect(await readFile(join(ws, 'notes/util.ts'), 'utf8')).toBe('export const wombatpangolin = 2\n')
    expect(existsSync(join(ws, 'src/lib/util.ts'))).toBe(false)
    await expect.poll(() => paths('wombatpangolin'), POLL).toEqual(['notes/util.ts'])

    await item(page, 'src').dragTo(item(page, 'src/lib'))
    const notice = page.getByTestId('explorer-notice')
    await expect(notice.innerText()).resolves.toContain('Cannot move src into itself.')
    expect(existsSync(join(ws, 'src/lib'))).toBe(true)
    expect(pageErrors).toEqual([])
  })

  it('a rename onto a tab that still holds unsaved edits (its file deleted) is refused inline, nothing lost', async () => {
    await writeFile(join(ws, 'notes/one.md'), 'one\n')
    await writeFile(join(ws, 'notes/two.md'), 'two\n')
    if ((await item(page, 'notes').getAttribute('aria-expanded')) !== 'true')
      await item(page, 'notes').click()
    await item(page, 'notes/two.md').click()
    await waitForEditor(page, 'notes/two.md', 'two')
    await focusEditorEnd(page)
    await page.keyboard.type('kept edits')
    await expect(tab(page, 'notes/two.md').getAttribute('data-dirty')).resolves.toBe('true')
    await rm(join(ws, 'notes/two.md'))
    await item(page, 'notes/two.md').waitFor({ state: 'detached' })

    await item(page, 'notes/one.md').click()
    await page.keyboard.press('F2')
    await nameInput().fill('two.md')
    await nameInput().press('Enter')
    await expect(page.getByTestId('explorer-name-error').innerText()).resolves.toBe(
      'two.md is open with unsaved changes. Save or close that tab first.',
    )
    await nameInput().press('Escape')
    expect(await readFile(join(ws, 'notes/one.md'), 'utf8')).toBe('one\n')
    expect(existsSync(join(ws, 'notes/two.md'))).toBe(false)
    await expect(tab(page, 'notes/two.md').getAttribute('data-dirty')).resolves.toBe('true')
    expect(pageErrors).toEqual([])
  })
})

describe.skipIf(SKIP_E2E)('delete where the system has no trash (hearth serve)', () => {
  let parent: string
  let ws: string
  let served: ServedHearth
  let browser: Browser

  beforeAll(async () => {
    parent = await tempDir('hearth-e2e-notrash-')
    ws = join(parent, 'project')
    await mkdir(ws)
    await writeFile(join(ws, 'old.log'), 'old\n')
    // The trash folder cannot be made: its parent is a file.
    await writeFile(join(parent, 'not-a-folder'), '')
    served = await startServe({
      workspace: ws,
      env: { XDG_DATA_HOME: join(parent, 'not-a-folder', 'share') },
    })
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await removeDir(parent)
  })

  it('says so, deletes nothing, and asks plainly before deleting for good', async () => {
    const page = await openEditor(browser, served)
    await item(page, 'old.log').click()
    await page.keyboard.press('Delete')
    await page.getByTestId('explorer-delete-confirm').click()
    const dialog = page.locator('[data-testid="explorer-delete-dialog"][data-step="permanent"]')
    await dialog.waitFor()
    await expect(dialog.innerText()).resolves.toContain('Permanently delete “old.log”?')
    await expect(page.getByTestId('explorer-delete-reason').innerText()).resolves.toMatch(
      /^It cannot go to the trash: the system trash is not available here/,
    )
    expect(await readFile(join(ws, 'old.log'), 'utf8')).toBe('old\n')
    await page.getByTestId('explorer-delete-confirm').click()
    await item(page, 'old.log').waitFor({ state: 'detached' })
    expect(existsSync(join(ws, 'old.log'))).toBe(false)
  })
})
