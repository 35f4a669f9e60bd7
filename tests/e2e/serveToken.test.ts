import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { writeSampleWorkspace } from '../helpers/sampleWorkspace'
import {
  SKIP_E2E,
  launchChromium,
  removeDir,
  skipGettingStarted,
  startServe,
  tempDir,
  type ServedHearth,
} from '../helpers/serve'
import { item, waitForEditor } from './editorFlows'

/** A port free right now (the OS picks it), for restarting `hearth serve` on the same one. */
async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

/**
 * The serve token in a real browser: it arrives in the URL's fragment, never becomes a cookie
 * (a cookie would go to every port on 127.0.0.1), and the tab keeps it for reloads and reconnects.
 */
describe.skipIf(SKIP_E2E)('the serve token in Chromium (hearth serve)', () => {
  let parent: string
  let ws: string
  let dataDir: string
  let port: number
  let served: ServedHearth
  let browser: Browser
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    parent = await tempDir('hearth-e2e-token-')
    ws = join(parent, 'project')
    dataDir = join(parent, 'data')
    await writeSampleWorkspace(ws)
    port = await freePort()
    served = await startServe({ workspace: ws, dataDir, port })
    await skipGettingStarted(served)
    browser = await launchChromium()
    context = await browser.newContext()
    page = await context.newPage()
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await removeDir(parent)
  })

  it('opens the printed URL: the token leaves the address bar, no cookie is set, and a reload still works', async () => {
    await page.goto(served.url)
    await item(page, 'src').waitFor({ timeout: 30_000 })
    expect(await context.cookies()).toEqual([])
    expect(page.url()).toBe(`${served.origin}/`)
    expect(served.url).toBe(`http://127.0.0.1:${port}/#token=${served.token}`)

    await page.reload()
    await item(page, 'src').waitFor({ timeout: 30_000 })
    expect(page.url()).toBe(`${served.origin}/`)
    expect(await context.cookies()).toEqual([])
  })

  it('reconnects with the token it kept when the server comes back on the same port', async () => {
    await served.stop()
    await page.getByTestId('connection-banner').waitFor({ timeout: 10_000 })
    served = await startServe({ workspace: ws, dataDir, port })
    await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 20_000 })
    await item(page, 'src').click()
    await item(page, 'src/router.ts').click()
    await waitForEditor(page, 'src/router.ts', 'export class Router')
  })

  it('a tab without the token gets no workspace and says why, even with an old hearth_token cookie', async () => {
    const other = await browser.newContext()
    try {
      await other.addCookies([{ name: 'hearth_token', value: served.token, url: served.origin }])
      const bare = await other.newPage()
      await bare.goto(`${served.origin}/`)
      // The server closes its WebSocket with the reason, which the banner shows between retries.
      await bare
        .getByTestId('connection-banner')
        .filter({ hasText: /unauthorized: open the URL that hearth serve printed/ })
        .waitFor({ timeout: 30_000 })
      expect(await bare.getByTestId('workbench').count()).toBe(0)
      // The server told the browser to drop the old cookie (it reached every local port).
      expect(await other.cookies()).toEqual([])
    } finally {
      await other.close()
    }
  })
})
