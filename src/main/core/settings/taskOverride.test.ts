import { defaultSettings } from '@shared/settings/defaults'
import { describe, expect, it } from 'vitest'
import { OVERRIDE_ENDPOINT_ID, withTaskOverride } from './taskOverride'

describe('withTaskOverride', () => {
  it('serves one task from one endpoint; the profile keeps its network rule and other tasks', () => {
    const s = defaultSettings()
    const offline = { ...s, profile: 'offline' }
    const o = withTaskOverride(offline, {
      task: 'completion',
      serve: { endpoint: { kind: 'ollama', url: 'http://127.0.0.1:9' }, model: 'm' },
      timeoutMs: 30_000,
    })
    const p = o.profiles.offline
    expect(p?.tasks.completion).toEqual({
      chain: [{ endpoints: [OVERRIDE_ENDPOINT_ID], model: 'm' }],
      timeoutMs: 30_000,
    })
    expect(p?.network).toBe('loopback-only')
    expect(p?.tasks.embedding).toEqual(offline.profiles.offline?.tasks.embedding)
    expect(o.endpoints[OVERRIDE_ENDPOINT_ID]).toEqual({ kind: 'ollama', url: 'http://127.0.0.1:9' })
    // No user endpoint id can be the override's: ids start with a letter or digit.
    expect(Object.keys(s.endpoints)).not.toContain(OVERRIDE_ENDPOINT_ID)
  })

  it('a deadline alone keeps the profile route, size rule included', () => {
    const s = defaultSettings()
    const o = withTaskOverride(s, { task: 'completion', timeoutMs: 30_000 })
    const before = s.profiles[s.profile]?.tasks.completion
    expect(o.profiles[s.profile]?.tasks.completion).toEqual({ ...before, timeoutMs: 30_000 })
    expect(o.endpoints).toBe(s.endpoints)
  })
})
