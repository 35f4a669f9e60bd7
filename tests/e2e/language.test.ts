import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import {
  SKIP_E2E,
  launchChromium,
  openEditor,
  removeDir,
  startServe,
  tempDir,
  type ServedHearth,
} from '../helpers/serve'
import { item, tab, visibleText, waitForEditor } from './editorFlows'

/**
 * Language features as a user meets them, in Chromium over `hearth serve`: the workspace is one
 * TypeScript project (hover shows an imported function's real type, F12 opens the other file in
 * a tab at the definition, a type error across files is marked), and TextMate grammars highlight
 * what Monaco's Monarch grammar got wrong (a string after a regex literal with `/` and `"`).
 */
describe.skipIf(SKIP_E2E)('language features in Chromium (hearth serve)', () => {
  let parent: string
  let ws: string
  let served: ServedHearth
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []
  const files: Record<string, string> = {
    // Comments and a trailing comma, as tsconfig files have; `paths` from the tsconfig's folder.
    'tsconfig.json':
      '{\n  // the project\n  "compilerOptions": {\n    "strict": true,\n    "target": "ES2022",\n    "paths": { "@lib/*": ["./lib/*"] },\n  },\n}\n',
    'lib/greet.ts': [
      '/** Builds a greeting. */',
      'export function makeGreeting(name: string, times: number): { text: string; count: number } {',
      '  return { text: `hello ${name}`.repeat(times), count: times }',
      '}',
      '',
    ].join('\n'),
    'src/main.ts': [
      "import { makeGreeting } from '../lib/greet'",
      "import { makeGreeting as viaAlias } from '@lib/greet'",
      "import { somethingElse } from 'not-installed'",
      "export const greeting = makeGreeting('you', 2)",
      'export const wrong: number = viaAlias(1, 1).count',
      'export const other = somethingElse',
      '',
    ].join('\n'),
    'src/regex.js': 'const r = /[/]"/; const s = "x"\nconst t = "y"\n',
  }

  beforeAll(async () => {
    parent = await tempDir('hearth-e2e-language-')
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

  /** The rendered span of the editor's line containing `lineText` whose text is exactly `token`. */
  const token = (lineText: string, tokenText: string): Locator =>
    page.locator('[data-testid="editor"] .view-line', { hasText: lineText }).locator('span > span', {
      hasText: new RegExp(`^${tokenText.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`),
    })

  it('marks a type error that comes from another file, and nothing for packages that are not loaded', async () => {
    await item(page, 'src').click()
    await item(page, 'src/main.ts').click()
    await waitForEditor(page, 'src/main.ts', 'export const greeting')
    // The project loads after the file shows (the worker starts, reads every file): then the
    // one error appears, and none for the package that is not installed.
    const squiggles = page.locator('[data-testid="editor"] .squiggly-error')
    await expect.poll(() => squiggles.count(), { timeout: 20_000 }).toBe(1)
    // The one error is on `viaAlias(1, 1)`: a number where lib/greet.ts wants a string.
    const box = await squiggles.first().boundingBox()
    if (!box) throw new Error('no squiggle box')
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await expect
      .poll(() => page.locator('.monaco-hover:not(.hidden)').allInnerTexts(), { timeout: 10_000 })
      .toEqual(
        expect.arrayContaining([expect.stringMatching(/not assignable to parameter of type 'string'/)]),
      )
  })

  it('hover over the result of an imported function shows its real type, not any', async () => {
    await page.mouse.move(0, 0)
    await token('export const greeting', 'greeting').first().hover()
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'const greeting' })
    await expect
      .poll(async () => ((await hover.count()) > 0 ? visibleText(hover.first()) : ''), { timeout: 15_000 })
      .toMatch(/const greeting: \{\s*text: string;\s*count: number;?\s*\}/)
  })

  it('F12 on an imported name opens the other file in a tab, at the definition', async () => {
    await page.mouse.move(0, 0)
    await token("import { makeGreeting } from '../lib/greet'", 'makeGreeting').first().click()
    await page.keyboard.press('F12')
    await tab(page, 'lib/greet.ts').waitFor({ timeout: 10_000 })
    await waitForEditor(page, 'lib/greet.ts', 'export function makeGreeting')
    // Line 2, on the function's name (after `export function `).
    await expect.poll(() => page.getByTestId('status-position').innerText()).toMatch(/Ln 2, Col 17/)
  })

  it('highlights the string after a regex literal holding / and " as a string (TextMate grammar)', async () => {
    await item(page, 'src/regex.js').click()
    await waitForEditor(page, 'src/regex.js', 'const t')
    const after = token('const r', '"x"')
    const plain = token('const t', '"y"')
    await expect.poll(() => after.count(), { timeout: 15_000 }).toBe(1)
    const stringClass = await plain.first().getAttribute('class')
    expect(stringClass).toMatch(/^mtk\d+/)
    expect(await after.first().getAttribute('class')).toBe(stringClass)
    // The regex's own quote does not start a string: `"x"` is the line's only string.
    const spans = page
      .locator('[data-testid="editor"] .view-line', { hasText: 'const r' })
      .locator('span > span')
    const strings: string[] = []
    for (const span of await spans.all())
      if ((await span.getAttribute('class'))?.split(' ')[0] === stringClass?.split(' ')[0])
        strings.push(await visibleText(span))
    expect(strings).toEqual(['"x"'])
  })

  it('left no page errors', () => {
    expect(pageErrors).toEqual([])
  })
})
