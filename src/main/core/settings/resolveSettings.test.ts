import { describe, expect, it } from 'vitest'
import { defaultSettings } from '@shared/settings/defaults'
import { resolveSettings } from './resolveSettings'

const U = '/home/u/.local/share/hearth/settings.json'
const W = '/repo/.hearth/settings.json'

describe('resolveSettings', () => {
  it('gives the defaults when no file exists', () => {
    const r = resolveSettings({ file: U, raw: undefined })
    expect(r.problems).toEqual([])
    expect(r.settings).toEqual(defaultSettings())
  })

  it('layers user then workspace, deep-merging objects and replacing arrays', () => {
    const r = resolveSettings(
      { file: U, raw: { profile: 'remote', endpoints: { triton: { url: 'http://dgx:8000' } } } },
      { file: W, raw: { profiles: { remote: { tasks: { completion: { timeoutMs: 900 } } } } } },
    )
    expect(r.problems).toEqual([])
    expect(r.settings.profile).toBe('remote')
    expect(r.settings.endpoints.triton).toMatchObject({ kind: 'triton', url: 'http://dgx:8000' })
    expect(r.settings.profiles.remote?.tasks.completion.timeoutMs).toBe(900)
    expect(r.settings.profiles.remote?.tasks.completion.chain.length).toBe(3)
  })

  it('reports a bad key against its file and key, and keeps the rest of the file', () => {
    const r = resolveSettings({
      file: U,
      raw: {
        health: { intervalMs: 'often', timeoutMs: 1000 },
        endpoints: { triton: { url: 'http://dgx:8000' } },
      },
    })
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]).toMatchObject({ file: U, key: 'health.intervalMs', severity: 'error' })
    expect(r.settings.health.intervalMs).toBe(defaultSettings().health.intervalMs)
    expect(r.settings.health.timeoutMs).toBe(1000)
    expect(r.settings.endpoints.triton?.url).toBe('http://dgx:8000')
  })

  it('points at array elements and drops the whole array it cannot use', () => {
    const r = resolveSettings({
      file: U,
      raw: {
        profiles: { laptop: { tasks: { completion: { chain: [{ endpoints: ['nope'], model: 'x' }] } } } },
      },
    })
    expect(r.problems.map((p) => p.key)).toEqual(['profiles.laptop.tasks.completion.chain[0].endpoints[0]'])
    expect(r.problems[0]?.message).toMatch(/no endpoint "nope"/)
    expect(r.settings.profiles.laptop?.tasks.completion.chain).toEqual(
      defaultSettings().profiles.laptop?.tasks.completion.chain,
    )
  })

  it('refuses a token in a settings file with a message that says where tokens go', () => {
    const r = resolveSettings({
      file: U,
      raw: { endpoints: { triton: { url: 'https://dgx', token: 'sekrit-123' } } },
    })
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]).toMatchObject({ key: 'endpoints.triton.token' })
    expect(r.problems[0]?.message).toMatch(/secret store/)
    expect(JSON.stringify(r.settings)).not.toContain('sekrit-123')
    expect(r.settings.endpoints.triton?.url).toBe('https://dgx')
  })

  it('rejects URLs with credentials and unknown profiles', () => {
    const r = resolveSettings({
      file: U,
      raw: { profile: 'gpu', endpoints: { ollama: { url: 'http://a:b@host' } } },
    })
    expect(r.problems.map((p) => p.key).sort()).toEqual(['endpoints.ollama.url', 'profile'])
    expect(r.settings.profile).toBe('laptop')
  })

  it('does not let a workspace file loosen anything', () => {
    const r = resolveSettings(
      { file: U, raw: { profile: 'offline' } },
      {
        file: W,
        raw: {
          profile: 'remote',
          endpoints: { ollama: { url: 'http://evil.example:11434' } },
          profiles: { offline: { network: 'any' } },
        },
      },
    )
    expect(r.settings.profile).toBe('offline')
    expect(r.settings.profiles.offline?.network).toBe('loopback-only')
    expect(r.settings.endpoints.ollama?.url).toBe('http://127.0.0.1:11434')
    expect(r.problems.every((p) => p.file === W && p.severity === 'warning')).toBe(true)
    expect(r.problems.map((p) => p.key).sort()).toEqual(['endpoints', 'profile', 'profiles.offline.network'])
  })

  it('lets a workspace tighten: select the offline profile', () => {
    const r = resolveSettings(
      { file: U, raw: { profile: 'remote' } },
      { file: W, raw: { profile: 'offline' } },
    )
    expect(r.problems).toEqual([])
    expect(r.settings.profile).toBe('offline')
  })

  it('index.includeSecretFiles: off by default (files without the key still load), user may opt in, a workspace may not', () => {
    const old = resolveSettings({ file: U, raw: { profile: 'remote', health: { slowMs: 900 } } })
    expect(old.problems).toEqual([])
    expect(old.settings.index.includeSecretFiles).toBe(false)

    const user = resolveSettings({ file: U, raw: { index: { includeSecretFiles: true } } })
    expect(user.problems).toEqual([])
    expect(user.settings.index.includeSecretFiles).toBe(true)

    const ws = resolveSettings(
      { file: U, raw: {} },
      { file: W, raw: { index: { includeSecretFiles: true } } },
    )
    expect(ws.settings.index.includeSecretFiles).toBe(false)
    expect(ws.problems).toMatchObject([{ file: W, key: 'index.includeSecretFiles', severity: 'warning' }])

    // Tightening is fine.
    const off = resolveSettings(
      { file: U, raw: { index: { includeSecretFiles: true } } },
      { file: W, raw: { index: { includeSecretFiles: false } } },
    )
    expect(off.problems).toEqual([])
    expect(off.settings.index.includeSecretFiles).toBe(false)
  })

  it('index.exclude from either file; index.removeUnusedAfterDays from user settings only', () => {
    const old = resolveSettings({ file: U, raw: { profile: 'remote' } })
    expect(old.settings.index).toMatchObject({ exclude: [], removeUnusedAfterDays: null })
    const both = resolveSettings(
      { file: U, raw: { index: { removeUnusedAfterDays: 90 } } },
      { file: W, raw: { index: { exclude: ['*.gen.ts'], removeUnusedAfterDays: 1 } } },
    )
    expect(both.settings.index).toMatchObject({ exclude: ['*.gen.ts'], removeUnusedAfterDays: 90 })
    expect(both.problems).toMatchObject([
      { file: W, key: 'index.removeUnusedAfterDays', severity: 'warning' },
    ])
  })

  it('models.hubEndpoint: a user may name a mirror, a workspace may not (it would choose the bytes)', () => {
    const user = resolveSettings({ file: U, raw: { models: { hubEndpoint: 'https://mirror.example' } } })
    expect(user.problems).toEqual([])
    expect(user.settings.models.hubEndpoint).toBe('https://mirror.example')
    const ws = resolveSettings(
      { file: U, raw: {} },
      { file: W, raw: { models: { hubEndpoint: 'https://evil.example' } } },
    )
    expect(ws.settings.models.hubEndpoint).toBe('')
    expect(ws.problems).toMatchObject([{ file: W, key: 'models.hubEndpoint', severity: 'warning' }])
    const bad = resolveSettings({ file: U, raw: { models: { hubEndpoint: 'ftp://x' } } })
    expect(bad.problems.length).toBeGreaterThan(0)
  })

  it('ignores __proto__ keys', () => {
    const raw = JSON.parse('{"__proto__": {"polluted": true}, "health": {"slowMs": 100}}') as Record<
      string,
      unknown
    >
    const r = resolveSettings({ file: U, raw })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(r.settings.health.slowMs).toBe(100)
  })
})
