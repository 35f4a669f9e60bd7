import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { FakeOpenAi } from '../helpers/fakeOpenAi'
import { retrySource } from '../helpers/retryFixture'
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
import { item, tab, waitForEditor, waitSaved } from './editorFlows'

/**
 * The chat panel end to end: Chromium → WebSocket contract → `hearth serve` → ChatService (the
 * folder's index for @codebase) → the profile's chat route → a local server speaking the
 * OpenAI-compatible chat protocol, which answers citing source [1] when it was sent one.
 */
const RETRY = retrySource('js')

const COLORS = 'export const RED = "#f00"\nexport const BLUE = "#00f"\nexport const GRAY = "#888"\n'
/** The model's rewrite for Ctrl+I: two hunks (RED and GRAY), with prose around the code block. */
const EDIT_ANSWER = [
  'Here it is:\n',
  '```js\n',
  'export const RED = "#ff0000"\n',
  'export const BLUE = "#00f"\n',
  'export const GRAY = "#888888"\n',
  '```\n',
]

const APPLY = 'export const LIMIT = 3\nexport const NAME = "apply"\n'
/** An answer whose code block names the file it is for. */
const APPLY_ANSWER = [
  'Raise it:\n\n',
  '```js title=src/apply.js\n',
  'export const LIMIT = 5\n',
  'export const NAME = "apply"\n',
  '```\n',
]

describe.skipIf(SKIP_E2E)('chat panel in Chromium (hearth serve + OpenAI chat protocol)', () => {
  let parent: string
  let served: ServedHearth
  let browser: Browser
  let page: Page
  let openai: FakeOpenAi

  beforeAll(async () => {
    openai = await new FakeOpenAi().start()
    openai.chatTokensFor = (messages) =>
      (messages.at(-1)?.content ?? '').startsWith('File: ')
        ? EDIT_ANSWER
        : (messages.at(-1)?.content ?? '').includes('make the limit five')
          ? APPLY_ANSWER
          : (messages.at(-1)?.content ?? '').includes('how many attempts')
            ? Array.from({ length: 60 }, (_, i) => `word${i} `)
            : (messages.at(-1)?.content ?? '').includes('[1] ')
              ? [
                  'The delay ',
                  '**doubles** ',
                  'after each failure [1].\n\n',
                  '```ts\n',
                  'delay *= 2\n',
                  '```\n',
                ]
              : ['I was given no code.']
    parent = await tempDir('hearth-e2e-chat-')
    const ws = join(parent, 'project')
    await mkdir(join(ws, 'src'), { recursive: true })
    await writeFile(join(ws, 'src/retry.js'), RETRY)
    await writeFile(join(ws, 'src/colors.js'), COLORS)
    await writeFile(join(ws, 'src/apply.js'), APPLY)
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
    const sent = lastPrompt(openai)
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
    // Stop once the answer is streaming (before that, the question may not have reached the
    // server yet, and there would be no connection for it to see go).
    await expect
      .poll(() => panel.getByTestId('chat-streaming').innerText(), { timeout: 30_000 })
      .toContain('word0')
    await panel.getByRole('button', { name: 'Stop' }).click()
    await Promise.race([
      gone,
      new Promise((_, fail) =>
        setTimeout(() => fail(new Error('the server never saw the answer stopped')), 15_000),
      ),
    ])
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

  it('Ctrl+I on a selection: the rewrite shows as a diff; one hunk accepted is one undo step; saved bytes are exact', async () => {
    await page.keyboard.press('Control+Shift+E')
    await item(page, 'src').waitFor()
    if (!(await item(page, 'src/colors.js').isVisible())) await item(page, 'src').click()
    await item(page, 'src/colors.js').click()
    await waitForEditor(page, 'src/colors.js', 'GRAY')
    const disk = join(served.workspace, 'src/colors.js')
    await page.locator('[data-testid="editor"] .view-lines').click()
    const review = await inlineEditAll(page, 'use six-digit colors')
    const sent = lastPrompt(openai)
    expect(sent).toContain('Code to rewrite:\n```javascript\nexport const RED = "#f00"')
    expect(sent?.endsWith('Instruction: use six-digit colors')).toBe(true)
    const boxes = review.getByRole('checkbox')
    await expect.poll(() => boxes.count()).toBe(2)
    await boxes.nth(1).uncheck()
    await review.getByRole('button', { name: /Accept checked \(1\/2\)/ }).click()
    await review.waitFor({ state: 'detached' })
    await expect.poll(() => waitText(page)).toContain('"#ff0000"')
    expect(await waitText(page)).toContain('"#888"')
    // Nothing is written until the user saves.
    expect(await readFile(disk, 'utf8')).toBe(COLORS)
    await page.keyboard.press('Control+z')
    await expect.poll(() => waitText(page)).toContain('"#f00"')
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(() => waitText(page)).toContain('"#ff0000"')
    await page.keyboard.press('Control+s')
    await waitSaved(page, 'src/colors.js')
    expect(await readFile(disk, 'utf8')).toBe(COLORS.replace('"#f00"', '"#ff0000"'))
  })

  it('Reject leaves the buffer and the file as they were', async () => {
    const disk = join(served.workspace, 'src/colors.js')
    const before = await readFile(disk, 'utf8')
    await page.locator('[data-testid="editor"] .view-lines').click()
    const review = await inlineEditAll(page, 'use six-digit colors')
    await review.getByRole('button', { name: 'Reject' }).click()
    await review.waitFor({ state: 'detached' })
    await expect.poll(() => waitText(page)).toContain('exportconstGRAY="#888"')
    expect(await waitText(page)).toContain('exportconstRED="#ff0000"')
    expect(await readFile(disk, 'utf8')).toBe(before)
  })
  it('@ opens a picker of files and symbols; each picked one is a removable chip and is sent', async () => {
    await page.keyboard.press('Control+l')
    const panel = page.getByTestId('chat-panel')
    await panel.getByRole('button', { name: 'New', exact: true }).click()
    const input = panel.getByRole('textbox', { name: 'Question', exact: true })
    // Without @codebase, only what is mentioned is sent.
    await panel.getByRole('button', { name: 'Remove @codebase' }).click()
    await input.fill('')
    await input.pressSequentially('compare @colo')
    const list = panel.getByTestId('chat-mentions')
    await list.getByRole('option', { name: /colors\.js/ }).waitFor()
    await input.press('Enter')
    await panel.locator('.chat-chip', { hasText: '@src/colors.js' }).waitFor()
    expect(await input.inputValue()).toBe('compare ')
    await input.pressSequentially('with @retryWi')
    await list.getByRole('option', { name: /retryWithBackoff/ }).waitFor({ timeout: 10_000 })
    await list.getByRole('option', { name: /retryWithBackoff/ }).click()
    const chip = panel.locator('.chat-chip', { hasText: '@retryWithBackoff' })
    await chip.waitFor()
    expect(await input.inputValue()).toBe('compare with ')
    await input.press('Enter')
    await expect.poll(() => panel.getByTestId('chat-answer').count(), { timeout: 30_000 }).toBeGreaterThan(0)
    const sent = lastPrompt(openai)
    expect(sent).toMatch(/\[1\] src\/colors\.js:1-\d+\n```javascript\nexport const RED = /)
    expect(sent).toMatch(/\[2\] src\/retry\.js:\d+-\d+\n/)
    expect(sent).toContain('delay *= 2')
    expect(sent.endsWith('Question: compare with')).toBe(true)
    await panel.getByRole('button', { name: '+ @codebase' }).click()
  })

  it('Apply on a code block opens the diff review on the file it names; accepted and saved, the bytes are exact', async () => {
    const panel = page.getByTestId('chat-panel')
    await page.keyboard.press('Control+l')
    const input = panel.getByRole('textbox', { name: 'Question', exact: true })
    await input.fill('make the limit five')
    await input.press('Enter')
    const answer = panel.getByTestId('chat-answer').last()
    await expect.poll(() => answer.innerText(), { timeout: 30_000 }).toContain('Raise it')
    await answer.getByRole('button', { name: 'Apply' }).click()
    const review = page.getByTestId('inline-edit-review')
    await review.waitFor({ timeout: 15_000 })
    expect(await review.innerText()).toContain('src/apply.js')
    const disk = join(served.workspace, 'src/apply.js')
    // Nothing is written before the accept.
    expect(await readFile(disk, 'utf8')).toBe(APPLY)
    await review.getByRole('button', { name: 'Accept all' }).click()
    await review.waitFor({ state: 'detached' })
    await expect.poll(() => waitText(page)).toContain('exportconstLIMIT=5')
    expect(await readFile(disk, 'utf8')).toBe(APPLY)
    await page.keyboard.press('Control+s')
    await waitSaved(page, 'src/apply.js')
    expect(await readFile(disk, 'utf8')).toBe('export const LIMIT = 5\nexport const NAME = "apply"\n')
  })

  it('Apply whose file changed on disk during the review is refused; the editor shows the new text', async () => {
    const disk = join(served.workspace, 'src/apply.js')
    // The editor (the first of the views; the review's diff has its own) follows the disk.
    const mainText = async (): Promise<string> =>
      (await page.locator('[data-testid="editor"] .view-lines').first().innerText()).replace(
        /[\s\u00a0]+/g,
        '',
      )
    await writeFile(disk, APPLY)
    await expect.poll(mainText, { timeout: 15_000 }).toContain('exportconstLIMIT=3')
    const panel = page.getByTestId('chat-panel')
    await page.keyboard.press('Control+l')
    await panel.getByTestId('chat-answer').last().getByRole('button', { name: 'Apply' }).click()
    const review = page.getByTestId('inline-edit-review')
    await review.waitFor({ timeout: 15_000 })
    const theirs = 'export const LIMIT = 7\nexport const NAME = "theirs"\n'
    await writeFile(disk, theirs)
    await expect.poll(mainText, { timeout: 15_000 }).toContain('NAME="theirs"')
    await review.getByRole('button', { name: 'Accept all' }).click()
    await expect
      .poll(() => page.getByTestId('inline-edit').innerText(), { timeout: 5000 })
      .toContain('The file changed on disk since this review opened, so nothing was applied')
    await page.getByTestId('inline-edit').getByRole('button', { name: 'Close', exact: true }).click()
    expect(await mainText()).toContain('exportconstLIMIT=7')
    expect(await readFile(disk, 'utf8')).toBe(theirs)
  })

  it('Insert puts a code block at the cursor as one undo step, unsaved', async () => {
    const disk = join(served.workspace, 'src/apply.js')
    const before = await readFile(disk, 'utf8')
    await page.locator('[data-testid="editor"] .view-lines').first().click()
    await page.keyboard.press('Control+End')
    const panel = page.getByTestId('chat-panel')
    await page.keyboard.press('Control+l')
    await panel.getByTestId('chat-answer').last().getByRole('button', { name: 'Insert' }).click()
    await expect.poll(() => waitText(page)).toContain(`${before.replace(/\s+/g, '')}exportconstLIMIT=5`)
    expect(await readFile(disk, 'utf8')).toBe(before)
    await page.keyboard.press('Control+z')
    await expect.poll(() => waitText(page)).toBe(before.replace(/\s+/g, ''))
  })

  it('with no chat model the panel says so in a line, offers the setup, keeps the question', async () => {
    const { api, close } = await connectApi(served)
    try {
      await api.call('settings.update', {
        scope: 'user',
        patch: {
          endpoints: { deadsrv: { kind: 'openai', url: 'http://127.0.0.1:9' } },
          profiles: { laptop: { tasks: { chat: { chain: [{ endpoints: ['deadsrv'], model: 'none' }] } } } },
        },
      })
      const panel = page.getByTestId('chat-panel')
      await page.keyboard.press('Control+l')
      await panel.getByRole('button', { name: 'New', exact: true }).click()
      const input = panel.getByRole('textbox', { name: 'Question', exact: true })
      await input.fill('what does retry do?')
      await input.press('Enter')
      const state = panel.getByTestId('chat-no-model')
      await state.waitFor({ timeout: 30_000 })
      expect(await state.locator('strong').innerText()).toBe('No chat model yet')
      expect(await input.inputValue()).toBe('what does retry do?')
      // The backend's own words are there, folded away.
      const details = state.locator('details')
      expect(await details.getAttribute('open')).toBeNull()
      await details.locator('summary').click()
      expect(await details.innerText()).toContain('deadsrv')
      await state.getByRole('button', { name: 'Set up a chat model' }).click()
      await page.getByTestId('settings-models').waitFor({ timeout: 10_000 })
    } finally {
      await api.call('settings.update', {
        scope: 'user',
        patch: {
          endpoints: { deadsrv: null },
          profiles: {
            laptop: { tasks: { chat: { chain: [{ endpoints: ['chatsrv'], model: 'qwen2.5-coder-1.5b' }] } } },
          },
        },
      })
      close()
    }
  })

  it('Ctrl+I with unsaved edits: a change on disk during the review is refused; the edits are kept, with the bar', async () => {
    await page.keyboard.press('Control+Shift+E')
    await item(page, 'src/colors.js').click()
    await waitForEditor(page, 'src/colors.js', 'GRAY')
    const disk = join(served.workspace, 'src/colors.js')
    const lines = page.locator('[data-testid="editor"] .view-lines').first()
    await lines.click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('// mine')
    await tab(page, 'src/colors.js').and(page.locator('[data-dirty="true"]')).waitFor()
    const review = await inlineEditAll(page, 'use six-digit colors')
    const theirs = `${await readFile(disk, 'utf8')}export const TEAL = "#088"\n`
    await writeFile(disk, theirs)
    await page.locator('[data-testid="doc-banner"][data-kind="changedOnDisk"]').waitFor({ timeout: 15_000 })
    await review.getByRole('button', { name: 'Accept all' }).click()
    const note = page.getByTestId('inline-edit')
    await expect
      .poll(() => note.innerText(), { timeout: 5000 })
      .toContain(
        'The file changed on disk since this review opened, so nothing was applied. Your unsaved edits are kept',
      )
    await note.getByRole('button', { name: 'Close', exact: true }).click()
    expect((await lines.innerText()).replace(/[\s\u00a0]+/g, '')).toContain('//mine')
    expect(await readFile(disk, 'utf8')).toBe(theirs)
    await page.getByTestId('banner-reload').click()
    await waitSaved(page, 'src/colors.js')
    await expect.poll(() => waitText(page)).toContain('TEAL')
  })
})

/**
 * The last message of the newest chat request the server got (health checks of the route reach it
 * too, and may come after the question).
 */
function lastPrompt(openai: FakeOpenAi): string {
  const chat = openai.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)
  return (chat?.body as { messages: { content: string }[] } | undefined)?.messages.at(-1)?.content ?? ''
}

/** Ctrl+I on the whole active file with `instruction`; resolves once the review shows. */
async function inlineEditAll(page: Page, instruction: string): Promise<Locator> {
  await page.keyboard.press('Control+a')
  await page.keyboard.press('Control+i')
  const box = page.getByLabel('Edit instruction')
  await box.fill(instruction)
  await box.press('Enter')
  const review = page.getByTestId('inline-edit-review')
  await review.waitFor({ timeout: 30_000 })
  return review
}

/**
 * The editor's text without any whitespace: Monaco draws a color swatch before each hex color,
 * which shows in the rendered text as an extra space.
 */
async function waitText(page: Page): Promise<string> {
  return (await page.locator('[data-testid="editor"] .view-lines').innerText()).replace(/[\s\u00a0]+/g, '')
}
