import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  SKIP_E2E,
  launchChromium,
  openEditor,
  removeDir,
  startServe,
  type ServedHearth,
} from '../helpers/serve'
import { git, makeRepo } from '../integration/git/gitRepoHelpers'

/**
 * Source control as a user does it, in Chromium over `hearth serve` on a real repository: the
 * changed file is listed and decorated, its diff opens, it is staged, committed with a message,
 * and `git log` has the commit; the status bar's branch switches and creates branches.
 */
describe.skipIf(SKIP_E2E)('source control in Chromium (hearth serve)', () => {
  let repo: string
  let served: ServedHearth
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    repo = await makeRepo({ 'src/app.ts': 'export const answer = 41\n', 'README.md': '# demo\n' })
    await writeFile(join(repo, 'src/app.ts'), 'export const answer = 42\n')
    await writeFile(join(repo, 'notes.txt'), 'new file\n')
    served = await startServe({ workspace: repo })
    browser = await launchChromium()
    page = await openEditor(browser, served)
    page.on('pageerror', (e) => pageErrors.push(e.message))
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await removeDir(repo)
  })

  const row = (group: string, path: string) =>
    page.getByTestId(`scm-group-${group}`).locator(`[data-testid="scm-row"][data-path="${path}"]`)

  it('the branch shows in the status bar and the explorer marks changed files', async () => {
    await expect
      .poll(() => page.getByTestId('status-branch').textContent(), { timeout: 20_000 })
      .toBe('⎇ main*')
    await page.locator('[data-testid="explorer-item"][data-path="src"]').click()
    const deco = page.locator(
      '[data-testid="explorer-item"][data-path="src/app.ts"] [data-testid="git-deco"]',
    )
    await expect.poll(() => deco.textContent(), { timeout: 20_000 }).toBe('M')
    const untracked = page.locator(
      '[data-testid="explorer-item"][data-path="notes.txt"] [data-testid="git-deco"]',
    )
    await expect.poll(() => untracked.textContent(), { timeout: 20_000 }).toBe('U')
  })

  it('lists the change, opens its diff, stages it, commits it with a message', async () => {
    await page.keyboard.press('Control+Shift+G')
    await page.getByTestId('scm').waitFor()
    await row('unstaged', 'src/app.ts').waitFor()
    await row('unstaged', 'notes.txt').waitFor()

    await row('unstaged', 'src/app.ts').click()
    const diff = page.getByTestId('scm-diff')
    await diff.waitFor()
    await expect.poll(() => diff.textContent(), { timeout: 20_000 }).toContain('Index ↔ Working Tree')
    // Both sides rendered by Monaco's diff editor: the old line on the left, the new on the right.
    await expect
      .poll(() => page.locator('.scm-diff-editor .editor.original').textContent(), { timeout: 20_000 })
      .toContain('41')
    await expect
      .poll(() => page.locator('.scm-diff-editor .editor.modified').textContent(), { timeout: 20_000 })
      .toContain('42')

    await row('unstaged', 'src/app.ts').hover()
    await row('unstaged', 'src/app.ts').getByTestId('scm-stage').click()
    await row('staged', 'src/app.ts').waitFor()
    expect(git(repo, 'diff', '--cached', '--name-only').trim()).toBe('src/app.ts')

    // An empty message is refused; Ctrl+Enter commits what is staged.
    await page.getByTestId('scm-commit').click()
    await expect
      .poll(() => page.getByTestId('scm-error').textContent(), { timeout: 20_000 })
      .toContain('Write a commit message')
    await page.getByTestId('scm-message').fill('Answer is 42')
    await page.getByTestId('scm-message').press('Control+Enter')
    await expect
      .poll(() => page.getByTestId('scm-notice').textContent(), { timeout: 20_000 })
      .toMatch(/Committed [0-9a-f]{7}: Answer is 42/)
    expect(git(repo, 'log', '-1', '--format=%s').trim()).toBe('Answer is 42')
    expect(git(repo, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('src/app.ts')
    await expect.poll(() => page.getByTestId('scm-group-staged').count(), { timeout: 20_000 }).toBe(0)
    await row('unstaged', 'notes.txt').waitFor()
  })

  it('nothing staged: offers to stage all and commit', async () => {
    await page.getByTestId('scm-message').fill('Add notes')
    await page.getByTestId('scm-commit').click()
    await page.getByTestId('scm-stage-all-commit').click()
    await page.getByTestId('scm-clean').waitFor()
    expect(git(repo, 'log', '-1', '--format=%s').trim()).toBe('Add notes')
    await expect
      .poll(() => page.getByTestId('status-branch').textContent(), { timeout: 20_000 })
      .toBe('⎇ main')
  })

  it('creates and switches branches from the status bar', async () => {
    await page.getByTestId('status-branch').click()
    await page.getByTestId('branch-picker-input').fill('feature/x')
    await page.getByTestId('branch-picker-input').press('Enter')
    await expect
      .poll(() => page.getByTestId('status-branch').textContent(), { timeout: 20_000 })
      .toBe('⎇ feature/x')
    expect(git(repo, 'branch', '--show-current').trim()).toBe('feature/x')

    await page.getByTestId('status-branch').click()
    await page.locator('[data-testid="branch-picker-item"][data-branch="main"]').click()
    await expect
      .poll(() => page.getByTestId('status-branch').textContent(), { timeout: 20_000 })
      .toBe('⎇ main')
  })

  it('stages one change of a file (a hunk), not the others', async () => {
    await writeFile(
      join(repo, 'README.md'),
      '# demo, first change\n\n' + 'line\n'.repeat(12) + 'second change\n',
    )
    git(repo, 'add', 'README.md')
    git(repo, 'commit', '-q', '-m', 'longer readme')
    await writeFile(join(repo, 'README.md'), '# DEMO\n\n' + 'line\n'.repeat(12) + 'SECOND\n')
    await page.getByTestId('scm-refresh').click()
    await row('unstaged', 'README.md').click()
    await expect
      .poll(() => page.getByTestId('scm-hunk-bar').textContent(), { timeout: 20_000 })
      .toContain('Change 1 of 2')
    await page.getByTestId('scm-stage-hunk').click()
    await row('staged', 'README.md').waitFor()
    expect(git(repo, 'show', ':README.md')).toBe('# DEMO\n\n' + 'line\n'.repeat(12) + 'second change\n')
    expect(pageErrors).toEqual([])
  })
})
