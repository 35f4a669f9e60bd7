import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { Core } from '../../src/main/core/createCore'
import { startServer, type RunningServer } from '../../src/main/server/hearthServer'
import { writeSampleWorkspace } from '../helpers/sampleWorkspace'
import { launchChromium, removeDir, SKIP_E2E, tempDir } from '../helpers/serve'
import { connectContract } from '../helpers/wsClient'
import { focusEditorEnd, item, tab, waitForEditor } from './editorFlows'

/**
 * File > Open Folder / Open Recent in the desktop app emits `app.openFolderRequested` from the
 * core (src/main/app/appMenu.ts). The Electron binary is not here, so the core emits the same
 * event in-process and the real renderer in Chromium answers it: it switches when nothing is
 * unsaved, and otherwise shows the folder form with the warning (and Save all) instead of
 * dropping buffers.
 */
describe.skipIf(SKIP_E2E)('desktop menu: open folder', () => {
  let parent: string
  let first: string
  let second: string
  let core: Core
  let server: RunningServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    parent = await realpath(await tempDir('hearth-menu-'))
    first = join(parent, 'first')
    second = join(parent, 'second')
    await mkdir(first)
    await writeSampleWorkspace(first)
    await mkdir(second)
    await writeFile(join(second, 'only.txt'), 'second folder\n')
    core = await Core.create({ dataDir: join(parent, 'data'), workspace: first })
    server = await startServer({ core, port: 0 })
    // The getting-started panel (shown once per install) would cover the explorer.
    const c = await connectContract(server.url)
    await c.client.call('models.setupDone', { done: true })
    c.close()
    browser = await launchChromium()
    page = await browser.newPage()
    await page.goto(server.url)
    await page.getByTestId('workbench').waitFor({ timeout: 30_000 })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await core?.dispose()
    if (parent) await removeDir(parent)
  })

  it('with unsaved changes, proposes the folder and warns instead of switching', async () => {
    await item(page, 'src').click()
    await item(page, 'src/router.ts').click()
    await waitForEditor(page, 'src/router.ts', 'export class Router')
    await focusEditorEnd(page)
    await page.keyboard.type('// unsaved')
    await expect(tab(page, 'src/router.ts').getAttribute('data-dirty')).resolves.toBe('true')

    core.events.emit('app.openFolderRequested', { root: second })
    const input = page.getByTestId('open-folder-input')
    await input.waitFor()
    await expect(input.inputValue()).resolves.toBe(second)
    await page.getByTestId('open-folder-unsaved').waitFor()
    expect(core.workspace.root).toBe(first)
    await page.getByTestId('open-folder-cancel').click()
    await expect(tab(page, 'src/router.ts').getAttribute('data-dirty')).resolves.toBe('true')
  })

  it('Save all in the warning saves every unsaved file; then the folder opens', async () => {
    core.events.emit('app.openFolderRequested', { root: second })
    await page.getByTestId('open-folder-unsaved').waitFor()
    await page.getByTestId('open-folder-save-all').click()
    // Saved: the warning goes, the tab is clean, the edit is on disk, nothing switched yet.
    await page.getByTestId('open-folder-unsaved').waitFor({ state: 'detached', timeout: 10_000 })
    await expect(tab(page, 'src/router.ts').getAttribute('data-dirty')).resolves.toBe('false')
    await expect(readFile(join(first, 'src/router.ts'), 'utf8')).resolves.toContain('// unsaved')
    expect(core.workspace.root).toBe(first)
    await page.getByTestId('open-folder-submit').click()
    await item(page, 'only.txt').waitFor({ timeout: 15_000 })
    expect(core.workspace.root).toBe(second)
  })

  it('with nothing unsaved, switches at once', async () => {
    core.events.emit('app.openFolderRequested', { root: first })
    await item(page, 'src').waitFor({ timeout: 15_000 })
    expect(core.workspace.root).toBe(first)
  })
})
