import type { Locator, Page } from 'playwright-core'

/** Page helpers shared by the browser tests (stable data-testids, no CSS guessing). */

export const item = (page: Page, path: string): Locator =>
  page.locator(`[data-testid="explorer-item"][data-path="${path}"]`)

export const tab = (page: Page, path: string): Locator =>
  page.locator(`[data-testid="tab"][data-path="${path}"]`)

/** Rendered text with Monaco's non-breaking spaces turned back into spaces. */
export async function visibleText(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\u00a0/g, ' ')
}

/** The visible text of the active editor. */
export async function editorText(page: Page): Promise<string> {
  const lines = page.locator('[data-testid="editor"] .view-lines')
  if ((await lines.count()) === 0) return ''
  return visibleText(lines)
}

/** Waits until the editor shows `path` with text containing `needle`. */
export async function waitForEditor(
  page: Page,
  path: string,
  needle: string,
  timeout = 15_000,
): Promise<void> {
  await page.locator(`[data-testid="editor-area"][data-active-path="${path}"]`).waitFor({ timeout })
  const deadline = Date.now() + timeout
  for (;;) {
    const text = await editorText(page)
    if (text.includes(needle)) return
    if (Date.now() > deadline)
      throw new Error(`editor for ${path} never showed ${JSON.stringify(needle)}; it shows:\n${text}`)
    await page.waitForTimeout(50)
  }
}

/** Puts the cursor at the very end of the active editor's text. */
export async function focusEditorEnd(page: Page): Promise<void> {
  await page.locator('[data-testid="editor"] .view-lines').click()
  await page.keyboard.press('Control+End')
}

export async function waitSaved(page: Page, path: string): Promise<void> {
  await tab(page, path).and(page.locator('[data-dirty="false"]')).waitFor({ timeout: 10_000 })
}

/** Runs a command from the palette (Ctrl+Shift+P) by typing `name` and pressing Enter. */
export async function runCommand(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P')
  const input = page.getByTestId('quickopen-input')
  await input.pressSequentially(name)
  await input.press('Enter')
}
