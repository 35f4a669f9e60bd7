import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { SettingsService, type SettingsChange } from './settingsService'

let dir: string
let svc: SettingsService | undefined

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-settings-'))
})
afterEach(async () => {
  svc?.dispose()
  svc = undefined
  await rm(dir, { recursive: true, force: true })
})

const until = async (pred: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('SettingsService', () => {
  it('keeps the user file private (0600 in a 0700 folder); a workspace file keeps the usual modes', async () => {
    const userFile = join(dir, 'data', 'settings.json')
    const wsFile = join(dir, 'ws', '.hearth', 'settings.json')
    svc = await SettingsService.open({ userFile, workspaceFile: wsFile, watchIntervalMs: 0 })
    await svc.update('user', { health: { slowMs: 900 } })
    await svc.update('workspace', { health: { slowMs: 800 } })
    expect((await stat(userFile)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700)
    expect((await stat(wsFile)).mode & 0o077).not.toBe(0)
  })

  it('writes a patch atomically, only what changed, and notifies', async () => {
    const userFile = join(dir, 'user', 'settings.json')
    svc = await SettingsService.open({ userFile, watchIntervalMs: 0 })
    const changes: SettingsChange[] = []
    svc.onChange((c) => changes.push(c))
    await svc.update('user', { profile: 'remote', endpoints: { triton: { url: 'https://dgx.lan:8000' } } })
    expect(svc.settings.profile).toBe('remote')
    expect(changes).toHaveLength(1)
    expect(changes[0]?.previous.profile).toBe('laptop')
    expect(JSON.parse(await readFile(userFile, 'utf8'))).toEqual({
      profile: 'remote',
      endpoints: { triton: { url: 'https://dgx.lan:8000' } },
    })
    // null deletes (RFC 7396)
    await svc.update('user', { endpoints: null })
    expect(JSON.parse(await readFile(userFile, 'utf8'))).toEqual({ profile: 'remote' })
  })

  it('refuses an invalid patch with the file and key, and writes nothing', async () => {
    const userFile = join(dir, 'settings.json')
    await writeFile(userFile, '{"profile": "offline"}\n')
    svc = await SettingsService.open({ userFile, watchIntervalMs: 0 })
    const err = await svc.update('user', { health: { failureThreshold: 0 } }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HearthError)
    expect((err as HearthError).code).toBe('invalid_argument')
    expect((err as HearthError).message).toContain(`${userFile}: health.failureThreshold:`)
    expect(await readFile(userFile, 'utf8')).toBe('{"profile": "offline"}\n')
    expect(svc.settings.health.failureThreshold).toBe(3)
  })

  it('will not overwrite a file with a syntax error, and says where the error is', async () => {
    const userFile = join(dir, 'settings.json')
    const broken = '{\n  "profile": "remote",\n  "health": { "slowMs": 10, }\n}\n'
    await writeFile(userFile, broken)
    svc = await SettingsService.open({ userFile, watchIntervalMs: 0 })
    expect(svc.problems[0]?.message).toMatch(/not valid JSON: .* at line 3, column \d+/)
    expect(svc.settings.profile).toBe('laptop')
    const err = (await svc.update('user', { profile: 'offline' }).catch((e: unknown) => e)) as HearthError
    expect(err.code).toBe('conflict')
    expect(await readFile(userFile, 'utf8')).toBe(broken)
  })

  it('picks up outside edits, and a workspace file overrides the user file', async () => {
    const userFile = join(dir, 'settings.json')
    const wsFile = join(dir, 'repo', '.hearth', 'settings.json')
    svc = await SettingsService.open({ userFile, workspaceFile: wsFile, watchIntervalMs: 20 })
    await writeFile(userFile, JSON.stringify({ health: { slowMs: 111 } }))
    await until(() => svc?.settings.health.slowMs === 111)
    await mkdir(join(dir, 'repo', '.hearth'), { recursive: true })
    await writeFile(wsFile, JSON.stringify({ health: { slowMs: 222 }, profile: 'offline' }))
    await until(() => svc?.settings.health.slowMs === 222)
    expect(svc.settings.profile).toBe('offline')
    await svc.setWorkspaceFile(undefined)
    expect(svc.settings.health.slowMs).toBe(111)
    expect(svc.settings.profile).toBe('laptop')
  })

  it('runs the write guard on the exact text (tokens never reach the file)', async () => {
    const userFile = join(dir, 'settings.json')
    svc = await SettingsService.open({
      userFile,
      watchIntervalMs: 0,
      guardWrite: (text) => {
        if (text.includes('tok-SECRET')) throw new HearthError('forbidden', 'token in settings')
      },
    })
    const err = (await svc
      .update('user', { endpoints: { triton: { label: 'tok-SECRET' } } })
      .catch((e: unknown) => e)) as HearthError
    expect(err.code).toBe('forbidden')
    await expect(readFile(userFile, 'utf8')).rejects.toThrow(/ENOENT/)
  })

  it('refuses workspace updates that loosen settings', async () => {
    const userFile = join(dir, 'settings.json')
    const wsFile = join(dir, 'repo', '.hearth', 'settings.json')
    svc = await SettingsService.open({ userFile, workspaceFile: wsFile, watchIntervalMs: 0 })
    const err = (await svc
      .update('workspace', { endpoints: { ollama: { url: 'http://x:1' } } })
      .catch((e: unknown) => e)) as HearthError
    expect(err.code).toBe('invalid_argument')
    expect(err.message).toContain('endpoints')
    await svc.update('workspace', { profile: 'offline' })
    expect(svc.settings.profile).toBe('offline')
  })
})
