import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { writeSampleWorkspace } from '../helpers/sampleWorkspace'
import {
  REPO_ROOT,
  SKIP_E2E,
  launchChromium,
  openEditor,
  removeDir,
  startServe,
  tempDir,
  type ServedHearth,
} from '../helpers/serve'
import { item, waitForEditor } from './editorFlows'

/** The README screenshot, taken from the real app on a realistic workspace (docs/screenshot.png). */
describe.skipIf(SKIP_E2E)('README screenshot', () => {
  let ws: string
  let served: ServedHearth
  let browser: Browser

  beforeAll(async () => {
    ws = await tempDir('hearth-shot-')
    await writeSampleWorkspace(join(ws, 'tiny-http'))
    served = await startServe({ workspace: join(ws, 'tiny-http') })
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await removeDir(ws)
  })

  it('writes docs/screenshot.png with a TypeScript file open and the explorer expanded', async () => {
    const page = await openEditor(browser, served, {
      colorScheme: 'dark',
      viewport: { width: 1280, height: 760 },
    })
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
    // Best effort: let the index finish its first pass so the status bar shows counts, not "opening…".
    await page
      .getByTestId('status-slot-index')
      .filter({ hasText: /files ·/ })
      .waitFor({ timeout: 30_000 })
      .catch(() => undefined)
    await page.waitForTimeout(300) // let tokenisation and the minimap settle
    await mkdir(join(REPO_ROOT, 'docs'), { recursive: true })
    const out = join(REPO_ROOT, 'docs/screenshot.png')
    const png = await page.screenshot({ path: out })
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.length).toBeGreaterThan(20_000)
  })
})
