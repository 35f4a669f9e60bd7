import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { FakeOpenAi } from '../helpers/fakeOpenAi'
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
import { waitForEditor } from './editorFlows'

/**
 * The chat panel end to end: Chromium → WebSocket contract → `hearth serve` → ChatService (the
 * folder's index for @codebase) → the profile's chat route → a local server speaking the
 * OpenAI-compatible chat protocol, which answers citing source [1] when it was sent one.
 */
const RETRY = [
  '/** Retries a call with exponential backoff. */',
  'export async function retryWithBackoff(fn, attempts = 5) {',
  '  let delay = 100',
  '  for (let i = 0; ; i++) {',
  '    try {',
  '      return await fn()',
  '    } catch (err) {',
  '      if (i >= attempts) throw err',
  '      await new Promise((r) => setTimeout(r, delay))',
  '      delay *= 2',
  '    }',
  '  }',
  '}',
  '',
].join('\n')

describe.skipIf(SKIP_E2E)('chat panel in Chromium (hearth serve + OpenAI chat protocol)', () => {
  let parent: string
  let served: ServedHearth
  let browser: Browser
  let page: Page
  let openai: FakeOpenAi

  beforeAll(async () => {
    openai = await new FakeOpenAi().start()
    openai.chatTokensFor = (messages) =>
      (messages.at(-1)?.content ?? '').includes('[1] ')
        ? ['The delay ', '**doubles** ', 'after each failure [1].\n\n', '```ts\n', 'delay *= 2\n', '```\n']
        : ['I was given no code.']
    parent = await tempDir('hearth-e2e-chat-')
    const ws = join(parent, 'project')
    await mkdir(join(ws, 'src'), { recursive: true })
    await writeFile(join(ws, 'src/retry.js'), RETRY)
    await writeFile(join(ws, 'src/colors.js'), 'export const RED = "#f00"\n')
    const dataDir = join(parent, 'data')
    await mkdir(dataDir)
    // The laptop profile's chat task goes to the local OpenAI-compatible server.
    await writeFile(
      join(dataDir, 'settings.json'),
      JSON.stringify({
        endpoints: { chatsrv: { kind: 'openai', url: openai.url } },
        profiles: {
          laptop: { tasks: { chat: { chain: [{ endpoints: ['chatsrv'], model: 'qwen2.5-coder-1.5b' }] } } },
        },
      }),
    )
    served = await startServe({ workspace: ws, dataDir })
    const { api, close } = await connectApi(served)
    try {
      const deadline = Date.now() + 60_000
      while ((await api.call('index.status', {})).state !== 'ready') {
        if (Date.now() > deadline)
          throw new Error(`the index never got ready: ${served.output().slice(-2000)}`)
        await new Promise((r) => setTimeout(r, 200))
      }
    } finally {
      close()
    }
    browser = await launchChromium()
    page = await openEditor(browser, served)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await openai?.close()
    await removeDir(parent)
  })

  it('Ctrl+L opens the panel; Enter asks; the answer streams as Markdown with a citation that opens the file', async () => {
    await page.keyboard.press('Control+l')
    const panel = page.getByTestId('chat-panel')
    await panel.waitFor()
    await panel.locator('.chat-chip', { hasText: '@codebase' }).waitFor()
    const input = panel.getByRole('textbox', { name: 'Question', exact: true })
    await input.fill('how does the retry back off?')
    await input.press('Enter')
    const answer = panel.getByTestId('chat-answer').last()
    await answer.waitFor({ timeout: 30_000 })
    await expect.poll(() => answer.innerText()).toContain('The delay doubles after each failure')
    expect(await answer.locator('strong').innerText()).toBe('doubles')
    // The code block is colorized by Monaco's tokenizer.
    await expect.poll(() => answer.locator('pre code span').count()).toBeGreaterThan(0)
    const cite = answer.getByTestId('chat-citation')
    await expect.poll(() => cite.innerText()).toMatch(/^\[1\] src\/retry\.js:\d+-\d+$/)
    const sent = (openai.requests.at(-1)?.body as { messages: { content: string }[] }).messages.at(
      -1,
    )?.content
    expect(sent).toContain('delay *= 2')
    await answer.locator('a[href="#cite-1"]').click()
    await waitForEditor(page, 'src/retry.js', 'retryWithBackoff')
  })

  it('Stop ends the answer at once; the server sees it; what arrived is kept, marked stopped', async () => {
    openai.split = { mode: 'natural', delayMs: 400 }
    const gone = openai.nextClientAbort()
    const panel = page.getByTestId('chat-panel')
    await page.keyboard.press('Control+l')
    const input = panel.getByRole('textbox', { name: 'Question', exact: true })
    await input.fill('and how many attempts?')
    await input.press('Enter')
    await panel.getByTestId('chat-streaming').waitFor()
    await panel.getByRole('button', { name: 'Stop' }).click()
    await gone
    await expect
      .poll(() => panel.locator('.chat-note', { hasText: /^Stopped/ }).count(), { timeout: 10_000 })
      .toBe(1)
    openai.split = { mode: 'natural' }
    const { api, close } = await connectApi(served)
    try {
      // The core keeps the stopped turn once the cancel reaches it.
      await expect
        .poll(async () => (await api.call('chat.list', {})).conversations, { timeout: 10_000 })
        .toMatchObject([{ title: 'how does the retry back off?', turns: 4 }])
    } finally {
      close()
    }
  })
})
