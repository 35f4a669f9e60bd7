import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import WebSocket from 'ws'
import { isAlive } from '../../src/main/core/terminal/processTree'
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
import { tab } from './editorFlows'

/**
 * Where "a.ts" of `error at src/a.ts:3` is drawn (xterm's DOM renderer: a div per row, spans in
 * it). Runs in the page; a string because the tests compile without DOM types.
 */
const LINK_SPOT = `(() => {
  const rows = [...document.querySelectorAll('.terminal-instance:not([hidden]) .xterm-rows > div')]
  const row = rows.find((r) => /^error at src\\/a\\.ts:3\\s*$/.test(r.textContent ?? ''))
  if (!row) return undefined
  const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT)
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const i = (n.textContent ?? '').indexOf('a.ts')
    if (i < 0) continue
    const range = document.createRange()
    range.setStart(n, i)
    range.setEnd(n, i + 4)
    const r = range.getBoundingClientRect()
    return { x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width / 4 }
  }
  return undefined
})()`

/**
 * The integrated terminal as a user meets it: the built renderer in Chromium against `hearth
 * serve` (so every keystroke and every byte of output crosses the token-guarded WebSocket), a
 * real shell in a real pty on the other side.
 */
describe.skipIf(SKIP_E2E || process.platform === 'win32')(
  'integrated terminal in Chromium (hearth serve)',
  () => {
    let parent: string
    let ws: string
    let served: ServedHearth
    let browser: Browser
    let page: Page
    const pageErrors: string[] = []

    beforeAll(async () => {
      parent = await tempDir('hearth-e2e-terminal-')
      ws = join(parent, 'project')
      await mkdir(join(ws, 'src'), { recursive: true })
      await writeFile(join(ws, 'src/a.ts'), 'const one = 1\nconst two = 2\nconst three = 3\nconst four = 4\n')
      // bash, with a home of its own so the user's rc files stay out of it.
      served = await startServe({ workspace: ws, env: { SHELL: '/bin/bash', HOME: parent } })
      browser = await launchChromium()
      page = await openEditor(browser, served)
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.origin })
      page.on('pageerror', (e) => pageErrors.push(e.message))
    })

    afterAll(async () => {
      await browser?.close()
      await served?.stop()
      await removeDir(parent)
    })

    const PROMPT = /[$#]\s*$/
    const panel = (): Locator => page.getByTestId('bottom-panel')
    /** The rows of the shown terminal's screen, as text (xterm's DOM renderer). */
    const screen = (): Promise<string> =>
      page.locator('.terminal-instance:not([hidden]) .xterm-rows').innerText({ timeout: 5000 })
    const waitScreen = async (re: RegExp): Promise<void> => {
      await expect.poll(() => screen().catch(() => ''), { timeout: 15_000 }).toMatch(re)
    }

    it('Ctrl+` opens the panel with a shell in the folder; typed commands run', async () => {
      await expect(panel().isVisible()).resolves.toBe(false)
      await page.keyboard.press('Control+Backquote')
      await panel().waitFor({ state: 'visible' })
      await waitScreen(PROMPT)
      // The keyboard is in the terminal.
      await page.keyboard.type('echo "hel""lo"; pwd')
      await page.keyboard.press('Enter')
      await waitScreen(/^hello$/m)
      await waitScreen(new RegExp(`^${ws.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'))
    })

    it('a printed file:line opens the editor there when clicked', async () => {
      await page.keyboard.type("printf 'error at %s\\n' src/a.ts:3")
      await page.keyboard.press('Enter')
      await waitScreen(/^error at src\/a\.ts:3$/m)
      const at = await page.evaluate<{ x: number; y: number; w: number } | undefined>(LINK_SPOT)
      if (!at) throw new Error(`the output row is not on screen:\n${await screen()}`)
      // Hover first: xterm looks for links on mouse moves.
      await page.mouse.move(at.x - at.w * 3, at.y)
      await page.mouse.move(at.x, at.y)
      await page.mouse.click(at.x, at.y)
      await page
        .locator('[data-testid="editor-area"][data-active-path="src/a.ts"]')
        .waitFor({ timeout: 15_000 })
      await expect
        .poll(() => page.getByTestId('status-position').innerText(), { timeout: 10_000 })
        .toBe('Ln 3, Col 1')
    })

    it('copies the selection with Ctrl+Shift+C and pastes with Ctrl+Shift+V', async () => {
      await page.locator('.terminal-instance:not([hidden]) .xterm-screen').click()
      const row = page.locator('.terminal-instance:not([hidden]) .xterm-rows > div', {
        hasText: /^hello\s*$/,
      })
      const box = (await row.boundingBox())!
      await page.mouse.dblclick(box.x + 10, box.y + box.height / 2)
      await page.keyboard.press('Control+Shift+C')
      await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe('hello')
      await page.evaluate(`navigator.clipboard.writeText('echo pasted-$((40+2))')`)
      await page.keyboard.press('Control+Shift+V')
      await page.keyboard.press('Enter')
      await waitScreen(/^pasted-42$/m)
    })

    it("leaves readline's keys to the shell: Ctrl+W deletes a word, the editor's tab stays", async () => {
      await page.locator('.terminal-instance:not([hidden]) .xterm-screen').click()
      await page.keyboard.type('echo kept gone')
      await page.keyboard.press('Control+W')
      await page.keyboard.press('Enter')
      await waitScreen(/^kept\s*$/m)
      await expect(tab(page, 'src/a.ts').count()).resolves.toBe(1)
    })

    it('keeps the screen when the panel is hidden and shown again (Ctrl+J)', async () => {
      await page.getByTestId('bottom-panel-hide').click()
      await expect(panel().isVisible()).resolves.toBe(false)
      await page.keyboard.press('Control+J')
      await panel().waitFor({ state: 'visible' })
      await waitScreen(/^pasted-42$/m)
    })

    it('Ctrl+Shift+` opens a second terminal; Kill ends it and its processes', async () => {
      await page.locator('.terminal-instance:not([hidden]) .xterm-screen').click()
      await page.keyboard.press('Control+Shift+Backquote')
      // Typed at once, before the new shell exists: the keys wait for it, none is lost.
      await page.keyboard.type('echo typed-$((2+3))')
      await page.keyboard.press('Enter')
      await expect.poll(() => page.locator('[data-testid^="terminal-tab-"]').count()).toBe(2)
      await waitScreen(/^typed-5$/m)
      await expect(screen()).resolves.not.toMatch(/hello/)
      const { api, close } = await connectApi(served)
      try {
        const list = await api.call('terminal.list', {})
        expect(list).toHaveLength(2)
        const second = list[1]!
        expect(second.cwd).toBe(ws)
        await page.getByTestId('terminal-kill').click()
        await expect.poll(() => page.locator('[data-testid^="terminal-tab-"]').count()).toBe(1)
        await expect.poll(() => isAlive(second.pid), { timeout: 5000 }).toBe(false)
        expect((await api.call('terminal.list', {})).map((t) => t.id)).toEqual([list[0]!.id])
      } finally {
        close()
      }
      // Back on the first one, with its screen.
      await waitScreen(/^pasted-42$/m)
    })

    it('a reloaded page reattaches to the running shell and replays its screen', async () => {
      await page.reload()
      await page.getByTestId('workbench').waitFor({ timeout: 30_000 })
      if (!(await panel().isVisible())) await page.keyboard.press('Control+Backquote')
      await waitScreen(/^pasted-42$/m)
      await expect.poll(() => page.locator('[data-testid^="terminal-tab-"]').count()).toBe(1)
    })

    it('refuses terminal calls without the token', async () => {
      const sock = new WebSocket(`ws://127.0.0.1:${served.port}/rpc`, { headers: { origin: served.origin } })
      const closed = new Promise<number>((done) => sock.on('close', (code) => done(code)))
      await new Promise<void>((done, fail) => {
        sock.on('open', () => done())
        sock.on('error', fail)
      })
      sock.send(JSON.stringify({ t: 'auth', token: 'wrong' }))
      sock.send(JSON.stringify({ t: 'call', id: 1, method: 'terminal.create', args: { cols: 80, rows: 24 } }))
      expect(await closed).toBe(4401)
      const { api, close } = await connectApi(served)
      try {
        expect(await api.call('terminal.list', {})).toHaveLength(1)
      } finally {
        close()
      }
    })

    it('stopping hearth serve leaves no shell or job behind', async () => {
      await page.locator('.terminal-instance:not([hidden]) .xterm-screen').click()
      await page.keyboard.type('sleep 987654 & sleep 987655')
      await page.keyboard.press('Enter')
      const { api, close } = await connectApi(served)
      const [shell] = await api.call('terminal.list', {})
      close()
      const sleeps = (): string[] =>
        execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
          .split('\n')
          .filter((l) => /^sleep 98765[45]$/.test(l.trim()))
      await expect.poll(sleeps, { timeout: 10_000 }).toHaveLength(2)
      await served.stop()
      expect(isAlive(shell!.pid)).toBe(false)
      await expect.poll(sleeps, { timeout: 5000 }).toHaveLength(0)
      expect(pageErrors).toEqual([])
    })
  },
)
