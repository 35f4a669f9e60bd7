import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeOllama } from '../helpers/fakeOllama'
import {
  SKIP_E2E,
  launchChromium,
  openEditor,
  removeDir,
  startServe,
  tempDir,
  type ServedHearth,
} from '../helpers/serve'

if (SKIP_E2E) console.warn('e2e: HEARTH_SKIP_E2E=1, browser tests skipped')

/**
 * The settings panel and the backend status item in Chromium over `hearth serve`: profile
 * switches apply at once (offline marked, a dead remote falls back), tokens are write-only, and a
 * bad value is refused with the file and key.
 */
describe.skipIf(SKIP_E2E)('settings panel in Chromium (hearth serve)', () => {
  let parent: string
  let served: ServedHearth
  let browser: Browser
  let page: Page
  let ollama: FakeOllama
  let dataDir: string
  const saved: Record<string, string | undefined> = {}
  const TOKEN = 'tok-e2e-5f2a9c7d1b'

  const statusItem = () => page.getByTestId('status-backends')

  beforeAll(async () => {
    ollama = await new FakeOllama().start()
    for (const m of ['qwen2.5-coder:7b', 'qwen2.5-coder:0.5b', 'deepseek-r1:7b']) ollama.models.add(m)
    parent = await tempDir('hearth-e2e-settings-')
    const ws = join(parent, 'project')
    dataDir = join(parent, 'data')
    await mkdir(join(ws, 'src'), { recursive: true })
    await mkdir(dataDir, { recursive: true })
    await writeFile(join(ws, 'src/a.ts'), 'export const a = 1\n')
    await writeFile(
      join(dataDir, 'settings.json'),
      JSON.stringify({
        endpoints: { ollama: { url: ollama.url }, triton: { url: 'http://192.0.2.10:8000' } },
        health: { timeoutMs: 800 },
      }),
    )
    // The router, not an explicit provider, must serve this run.
    for (const k of ['HEARTH_FIM_PROVIDER', 'HEARTH_FIM_URL', 'HEARTH_FIM_MODEL']) {
      saved[k] = process.env[k]
      delete process.env[k]
    }
    served = await startServe({ workspace: ws, dataDir })
    browser = await launchChromium()
    page = await openEditor(browser, served)
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await ollama?.close()
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v
    await removeDir(parent)
  })

  it('the status bar shows where completions go', async () => {
    await expect
      .poll(() => statusItem().innerText(), { timeout: 15_000 })
      .toContain('ollama · qwen2.5-coder:1.5b')
  })

  it('switching profile applies at once: offline is marked, a dead remote falls back', async () => {
    await statusItem().click()
    const panel = page.getByTestId('settings-panel')
    await panel.waitFor({ timeout: 10_000 })
    // Controlled radios change when the core confirms, so click and wait for the effect.
    await page.getByTestId('profile-offline').locator('input').click()
    await expect.poll(() => statusItem().innerText(), { timeout: 10_000 }).toContain('⛔')
    await page.getByTestId('profile-remote').locator('input').click()
    // Triton (192.0.2.10, never routed) fails its health check by the deadline → Ollama serves.
    await expect.poll(() => statusItem().innerText(), { timeout: 15_000 }).toContain('Fallback: ollama')
    await expect
      .poll(() => page.getByTestId('backend-triton').innerText(), { timeout: 5_000 })
      .toMatch(/not answering|down/)
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({
      profile: 'remote',
    })
  })

  it('tokens are write-only: stored, never shown, never in the settings file', async () => {
    const row = page.getByTestId('endpoint-triton')
    await row.locator('input[type="password"]').fill(TOKEN)
    await row.getByRole('button', { name: 'Set' }).click()
    await expect
      .poll(() => row.locator('input[type="password"]').getAttribute('placeholder'))
      .toBe('token stored')
    expect(await row.locator('input[type="password"]').inputValue()).toBe('')
    expect(await page.content()).not.toContain(TOKEN)
    expect(await readFile(join(dataDir, 'settings.json'), 'utf8')).not.toContain(TOKEN)
  })

  it('a bad value is refused with the file and the key, and nothing is written', async () => {
    const before = await readFile(join(dataDir, 'settings.json'), 'utf8')
    const input = page.getByText('Health check every (ms)').locator('input')
    await input.fill('5')
    await input.blur()
    const alert = page.getByTestId('settings-panel').getByRole('alert')
    await expect.poll(() => alert.innerText(), { timeout: 5_000 }).toContain('health.intervalMs')
    expect(await alert.innerText()).toContain(join(dataDir, 'settings.json'))
    expect(await readFile(join(dataDir, 'settings.json'), 'utf8')).toBe(before)
  })
})
