import { describe, expect, it } from 'vitest'
import { MemorySecretStore } from './memorySecretStore'
import { OverlaySecretStore } from './overlaySecretStore'

describe('OverlaySecretStore', () => {
  it('reads its own entries first and never writes them below', async () => {
    const below = new MemorySecretStore(undefined, [['a', 'stored']])
    const o = new OverlaySecretStore(below, [['run', 'for-this-run']])
    expect(await o.get('run')).toBe('for-this-run')
    expect(await o.get('a')).toBe('stored')
    expect((await o.keys()).sort()).toEqual(['a', 'run'])
    expect(await below.keys()).toEqual(['a'])
    // A write replaces the run's value, below.
    await o.set('run', 'saved')
    expect(await below.get('run')).toBe('saved')
    expect(await o.get('run')).toBe('saved')
    expect(await o.delete('run')).toBe(true)
    expect(await o.get('run')).toBeUndefined()
  })
})
