import { describe, expect, it } from 'vitest'
import { commandForKey, keyLabel, resolveKey } from './keybindings'

const key = (
  k: string,
  mods: Partial<{ ctrl: boolean; meta: boolean; alt: boolean; shift: boolean }> = {},
) => ({
  key: k,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  altKey: !!mods.alt,
  shiftKey: !!mods.shift,
})

describe('keybindings', () => {
  it('maps VS Code defaults with Ctrl on Linux/Windows', () => {
    expect(commandForKey(key('p', { ctrl: true }), false)).toBe('quickOpen')
    expect(commandForKey(key('s', { ctrl: true }), false)).toBe('save')
    expect(commandForKey(key('F', { ctrl: true, shift: true }), false)).toBe('showSearch')
    expect(commandForKey(key('E', { ctrl: true, shift: true }), false)).toBe('showExplorer')
    expect(commandForKey(key('b', { ctrl: true }), false)).toBe('toggleSidebar')
    expect(commandForKey(key('w', { ctrl: true }), false)).toBe('closeTab')
    expect(commandForKey(key('Tab', { ctrl: true }), false)).toBe('nextTab')
    expect(commandForKey(key('Tab', { ctrl: true, shift: true }), false)).toBe('previousTab')
  })
  it('uses Cmd on macOS but keeps Ctrl+Tab', () => {
    expect(commandForKey(key('p', { meta: true }), true)).toBe('quickOpen')
    expect(commandForKey(key('p', { ctrl: true }), true)).toBeUndefined()
    expect(commandForKey(key('Tab', { ctrl: true }), true)).toBe('nextTab')
  })
  it('needs the exact modifiers', () => {
    expect(commandForKey(key('p'), false)).toBeUndefined()
    expect(commandForKey(key('p', { ctrl: true, alt: true }), false)).toBeUndefined()
    expect(commandForKey(key('s', { ctrl: true, shift: true }), false)).toBeUndefined()
  })
  it('resolves chords (Ctrl+K Ctrl+O)', () => {
    const first = resolveKey(key('k', { ctrl: true }), false, undefined)
    expect(first).toEqual({ prefix: 'mod+k' })
    expect(resolveKey(key('o', { ctrl: true }), false, first.prefix)).toEqual({ command: 'openFolder' })
    expect(resolveKey(key('o', { ctrl: true }), false, undefined)).toEqual({})
    expect(resolveKey(key('p', { ctrl: true }), false, first.prefix)).toEqual({ command: 'quickOpen' })
  })
  it('labels keys for tooltips', () => {
    expect(keyLabel('quickOpen', false)).toBe('Ctrl+P')
    expect(keyLabel('showSearch', true)).toBe('⌘⇧F')
  })
})
