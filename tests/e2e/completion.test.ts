import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { FakeOllama } from '../helpers/fakeOllama'
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
import { item, waitForEditor } from './editorFlows'

if (SKIP_E2E) console.warn('e2e: HEARTH_SKIP_E2E=1, browser tests skipped')

/**
 * Inline completions end to end: Monaco in Debian Chromium → WebSocket contract → `hearth serve`
 * → CompletionService → OllamaProvider → a local server speaking Ollama's NDJSON protocol. The
 * server answers by the last word before the cursor, so each suggestion says where it came from.
 */
const ANSWERS: Record<string, string[]> = {
  alpha: [' =', ' 1', ' //', ' ALPHA'],
  gamma: [' =', ' 3', ' //', ' GAMMA'],
  slow: [' =', ' 9', ' //', ' SLOW'],
  slowx: [' =', ' 10', ' //', ' FRESH'],
  late: [' =', ' 5', ' //', ' LATE'],
}

const ghost = (page: Page) =>
  page.locator('[data-testid="editor"] .ghost-text-decoration, [data-testid="editor"] .ghost-text')

async function ghostText(page: Page): Promise<string> {
  const n = await ghost(page).count()
  const parts: string[] = []
  for (let i = 0; i < n; i++) parts.push(await ghost(page).nth(i).innerText())
  return parts.join('').replace(/\u00a0/g, ' ')
}

/**
 * The document as rendered, without the ghost text (which Monaco draws inside the same lines).
 * Runs in the page; written as a string because the tests compile without DOM types.
 */
const DOCUMENT_TEXT = `(() => {
  const el = document.querySelector('[data-testid="editor"] .view-lines')
  if (!el) return ''
  const copy = el.cloneNode(true)
  for (const g of copy.querySelectorAll('.ghost-text-decoration, .ghost-text, .ghost-text-decoration-preview')) g.remove()
  const texts = [...copy.querySelectorAll('.view-line')].map((l) => l.textContent || '')
  // Lines are absolutely positioned: order them by their top offset.
  return [...el.querySelectorAll('.view-line')]
    .map((line, i) => ({ top: parseFloat(line.style.top || '0'), text: texts[i] }))
    .sort((a, b) => a.top - b.top)
    .map((l) => l.text)
    .join('\\n')
    .replace(/\\u00a0/g, ' ')
})()`

async function documentText(page: Page): Promise<string> {
  return String(await page.evaluate(DOCUMENT_TEXT))
}

/** Waits for ghost text containing `needle`; on failure says what the editor, server and core saw. */
async function waitGhost(
  page: Page,
  needle: string,
  diagnose: () => Promise<string>,
  timeout = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeout
  for (;;) {
    const t = await ghostText(page)
    if (t.includes(needle)) return
    if (Date.now() > deadline)
      throw new Error(
        `ghost text never showed ${JSON.stringify(needle)}; shows ${JSON.stringify(t)}; ${await diagnose()}`,
      )
    await page.waitForTimeout(25)
  }
}

describe.skipIf(SKIP_E2E)('inline completions in Chromium (hearth serve + Ollama protocol)', () => {
  let parent: string
  let ws: string
  let served: ServedHearth
  let browser: Browser
  let page: Page
  let ollama: FakeOllama
  const saved: Record<string, string | undefined> = {}

  const diagnose = async (): Promise<string> => {
    const prompts = ollama.requests.map((r) => `${r.path} ${JSON.stringify(r.body ?? null).slice(-80)}`)
    const { api, close } = await connectApi(served)
    try {
      const status = await api.call('completion.status', {})
      return `editor: ${JSON.stringify(await documentText(page))}; status: ${JSON.stringify(status)}; requests: ${JSON.stringify(prompts)}; log: ${served.output().slice(-2000)}`
    } finally {
      close()
    }
  }

  beforeAll(async () => {
    ollama = await new FakeOllama().start()
    ollama.tokensFor = (prompt) => {
      const word = /(\w+)$/.exec(prompt)?.[1] ?? ''
      return ANSWERS[word] ?? []
    }
    parent = await tempDir('hearth-e2e-fim-')
    ws = join(parent, 'project')
    await mkdir(join(ws, 'src'), { recursive: true })
    await writeFile(join(ws, 'src/demo.ts'), '// demo\n')
    // `hearth serve` inherits these: the completion route is the fake Ollama (which its health
    // checks also reach: requests without a body are GET /api/version and /api/tags).
    for (const k of ['HEARTH_FIM_PROVIDER', 'HEARTH_FIM_URL', 'HEARTH_FIM_MODEL']) saved[k] = process.env[k]
    process.env.HEARTH_FIM_PROVIDER = 'ollama'
    process.env.HEARTH_FIM_URL = ollama.url
    process.env.HEARTH_FIM_MODEL = 'qwen2.5-coder:1.5b'
    served = await startServe({ workspace: ws })
    browser = await launchChromium()
    page = await openEditor(browser, served)
    await item(page, 'src').click()
    await item(page, 'src/demo.ts').click()
    await waitForEditor(page, 'src/demo.ts', '// demo')
    await page.locator('[data-testid="editor"] .view-lines').click()
    // Keys typed before Monaco holds the focus would go elsewhere (seen on a loaded CI machine).
    await page.locator('[data-testid="editor"] .monaco-editor.focused').waitFor({ timeout: 10_000 })
    await page.keyboard.press('Control+End')
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await ollama?.close()
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    await removeDir(parent)
  })

  it('shows the model in the status bar', async () => {
    await expect(page.getByTestId('completion-status').innerText()).resolves.toContain('qwen2.5-coder:1.5b')
  })

  it('typing shows ghost text; Tab inserts it', async () => {
    await page.keyboard.type('const alpha')
    await expect.poll(() => documentText(page)).toContain('const alpha')
    await waitGhost(page, 'ALPHA', diagnose)
    const req = ollama.requests.find((r) =>
      (r.body as { prompt?: string } | undefined)?.prompt?.endsWith('alpha'),
    )
    expect(req?.body).toMatchObject({ prompt: '// demo\nconst alpha', suffix: '', raw: false, stream: true })
    await page.keyboard.press('Tab')
    await expect.poll(() => documentText(page)).toContain('const alpha = 1 // ALPHA')
    await expect.poll(async () => (await ghostText(page)).trim()).toBe('')
  })

  it('Ctrl+Right accepts one word, Esc dismisses the rest', async () => {
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    await page.keyboard.type('const gamma')
    await waitGhost(page, 'GAMMA', diagnose)
    await page.keyboard.press('Control+ArrowRight')
    // One word of " = 3 // GAMMA" is in the document, not all of it.
    await expect
      .poll(async () => {
        const line = /const gamma.*/.exec(await documentText(page))?.[0] ?? ''
        const accepted = line.slice('const gamma'.length)
        return (
          accepted.length > 0 &&
          ' = 3 // GAMMA'.startsWith(accepted) &&
          accepted.length < ' = 3 // GAMMA'.length
        )
      })
      .toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(async () => (await ghostText(page)).trim()).toBe('')
    const text = await documentText(page)
    expect(text).not.toContain('GAMMA')
  })

  it('typing on cancels the stale request at the server and its suggestion never appears', async () => {
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    ollama.split = { mode: 'natural', delayMs: 400 }
    const abortsBefore = ollama.clientAborts
    await page.keyboard.type('let slow')
    await expect
      .poll(
        () =>
          ollama.requests.some((r) =>
            (r.body as { prompt?: string } | undefined)?.prompt?.endsWith('let slow'),
          ),
        {
          timeout: 10_000,
        },
      )
      .toBe(true)
    await page.keyboard.type('x')
    // The abort reached the server (the HTTP request to Ollama was closed).
    await expect.poll(() => ollama.clientAborts, { timeout: 5000 }).toBeGreaterThan(abortsBefore)
    // The fresh suggestion arrives; the stale one was never shown in between.
    const deadline = Date.now() + 10_000
    for (;;) {
      const t = await ghostText(page)
      expect(t).not.toContain('SLOW')
      if (t.includes('FRESH')) break
      if (Date.now() > deadline) {
        const prompts = ollama.requests.map((r) =>
          (r.body as { prompt?: string } | undefined)?.prompt?.slice(-12),
        )
        throw new Error(
          `no fresh suggestion; ghost text: ${JSON.stringify(t)}; editor: ${JSON.stringify(await documentText(page))}; prompts: ${JSON.stringify(prompts)}; log: ${served.output().slice(-2000)}`,
        )
      }
      await page.waitForTimeout(25)
    }
    ollama.split = { mode: 'natural' }
    await page.keyboard.press('Escape')
  })

  it('Esc before the ghost text arrives cancels the request; nothing pops up afterwards', async () => {
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    ollama.split = { mode: 'natural', delayMs: 300 }
    const abortsBefore = ollama.clientAborts
    try {
      await page.keyboard.type('let late')
      await expect
        .poll(
          () =>
            ollama.requests.some((r) =>
              (r.body as { prompt?: string } | undefined)?.prompt?.endsWith('let late'),
            ),
          {
            timeout: 10_000,
          },
        )
        .toBe(true)
      await page.keyboard.press('Escape')
      await expect.poll(() => ollama.clientAborts, { timeout: 5000 }).toBeGreaterThan(abortsBefore)
      // Longer than the whole answer would have taken to stream (4 tokens × 300 ms).
      const until = Date.now() + 2000
      while (Date.now() < until) {
        expect(await ghostText(page)).not.toContain('LATE')
        await page.waitForTimeout(50)
      }
      // Typing again asks again.
      ollama.split = { mode: 'natural' }
      await page.keyboard.press('Backspace')
      await page.keyboard.type('e')
      await waitGhost(page, 'LATE', diagnose)
      await page.keyboard.press('Escape')
      await expect.poll(async () => (await ghostText(page)).trim()).toBe('')
    } finally {
      ollama.split = { mode: 'natural' }
    }
  })

  it('counts shown and accepted suggestions locally', async () => {
    const { api, close } = await connectApi(served)
    try {
      const s = await api.call('completion.status', {})
      expect(s.counts.shown).toBeGreaterThanOrEqual(2)
      expect(s.counts.accepted).toBeGreaterThanOrEqual(1)
      expect(s.provider).toBe('ollama')
    } finally {
      close()
    }
  })
})
