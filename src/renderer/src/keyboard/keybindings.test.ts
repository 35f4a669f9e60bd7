import { describe, expect, it } from 'vitest'
import {
  findConflicts,
  formatKey,
  isValidKey,
  normalizeKey,
  resolveKey,
  type Keybinding,
} from './keybindings'

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

const TABLE: Keybinding[] = [
  { key: 'mod+p', command: 'quickOpen' },
  { key: 'mod+shift+p', command: 'palette' },
  { key: 'f1', command: 'palette' },
  { key: 'mod+shift+f', command: 'showSearch' },
  { key: 'ctrl+tab', command: 'nextTab' },
  { key: 'ctrl+shift+tab', command: 'previousTab' },
  { key: 'mod+k mod+o', command: 'openFolder' },
  { key: 'mod+k s', command: 'saveAll' },
]
const resolve = (e: ReturnType<typeof key>, mac = false, prefix?: string) => resolveKey(e, mac, prefix, TABLE)

describe('keybindings', () => {
  it('maps keys with Ctrl on Linux/Windows and Cmd on macOS, Ctrl+Tab on both', () => {
    expect(resolve(key('p', { ctrl: true })).command).toBe('quickOpen')
    expect(resolve(key('P', { ctrl: true, shift: true })).command).toBe('palette')
    expect(resolve(key('F1')).command).toBe('palette')
    expect(resolve(key('p', { meta: true }), true).command).toBe('quickOpen')
    expect(resolve(key('p', { ctrl: true }), true).command).toBeUndefined()
    expect(resolve(key('Tab', { ctrl: true }), true).command).toBe('nextTab')
    expect(resolve(key('Tab', { ctrl: true, shift: true })).command).toBe('previousTab')
  })
  it('matches punctuation by its physical key, so Ctrl+Shift+` works where Shift+` types ~', () => {
    const table: Keybinding[] = [{ key: 'ctrl+shift+`', command: 'terminal.new' }]
    const shifted = { ...key('~', { ctrl: true, shift: true }), code: 'Backquote' }
    expect(resolveKey(shifted, false, undefined, table).command).toBe('terminal.new')
    const otherKey = { ...key('~', { ctrl: true, shift: true }), code: 'KeyN' }
    expect(resolveKey(otherKey, false, undefined, table).command).toBeUndefined()
  })
  it('matches letters and digits by physical key where Alt (Option) or the layout changed the character', () => {
    const table: Keybinding[] = [
      { key: 'shift+alt+c', command: 'copyPath' },
      { key: 'alt+1', command: 'first' },
      { key: 'mod+q', command: 'quit' },
      { key: 'mod+a', command: 'selectAll' },
    ]
    const at = (e: ReturnType<typeof key> & { code: string }, mac = true) =>
      resolveKey(e, mac, undefined, table).command
    // Option+Shift+C on macOS reports 'Ç', Option+1 '¡'; a Cyrillic layout gives 'й' on KeyQ.
    expect(at({ ...key('Ç', { shift: true, alt: true }), code: 'KeyC' })).toBe('copyPath')
    expect(at({ ...key('¡', { alt: true }), code: 'Digit1' })).toBe('first')
    expect(at({ ...key('й', { ctrl: true }), code: 'KeyQ' }, false)).toBe('quit')
    // AZERTY: the key labelled A sits where Q is on US keyboards; it is A, never Q.
    expect(at({ ...key('a', { ctrl: true }), code: 'KeyQ' }, false)).toBe('selectAll')
    expect(at({ ...key('Ç', { shift: true, alt: true }), code: 'KeyV' })).toBeUndefined()
  })

  it('needs the exact modifiers', () => {
    expect(resolve(key('p')).command).toBeUndefined()
    expect(resolve(key('p', { ctrl: true, alt: true })).command).toBeUndefined()
  })
  it('resolves chords (Ctrl+K Ctrl+O, Ctrl+K S) and lets a plain key through after an unfinished one', () => {
    const first = resolve(key('k', { ctrl: true }))
    expect(first).toEqual({ prefix: 'mod+k' })
    expect(resolve(key('o', { ctrl: true }), false, first.prefix)).toEqual({ command: 'openFolder' })
    expect(resolve(key('s'), false, first.prefix)).toEqual({ command: 'saveAll' })
    expect(resolve(key('o', { ctrl: true }))).toEqual({})
    expect(resolve(key('s'))).toEqual({})
    expect(resolve(key('p', { ctrl: true }), false, first.prefix)).toEqual({ command: 'quickOpen' })
  })
  it('writes keys for people', () => {
    expect(formatKey('mod+shift+p', false)).toBe('Ctrl+Shift+P')
    expect(formatKey('mod+shift+p', true)).toBe('⌘⇧P')
    expect(formatKey('mod+k mod+s', false)).toBe('Ctrl+K Ctrl+S')
    expect(formatKey('ctrl+pagedown', false)).toBe('Ctrl+PageDown')
    expect(formatKey('mod+alt+arrowright', true)).toBe('⌘⌥→')
    expect(formatKey('f1', false)).toBe('F1')
  })
  it('normalises, validates and finds conflicts (same key twice, or a key that starts a chord)', () => {
    expect(normalizeKey('Shift+Mod+P')).toBe('mod+shift+p')
    expect(isValidKey('mod+k mod+o')).toBe(true)
    expect(isValidKey('mod+')).toBe(false)
    expect(isValidKey('hyper+x')).toBe(false)
    expect(findConflicts(TABLE)).toEqual([])
    expect(
      findConflicts([...TABLE, { key: 'shift+mod+p', command: 'other' }, { key: 'mod+k', command: 'k' }]),
    ).toEqual([
      { key: 'mod+shift+p', commands: ['palette', 'other'] },
      { key: 'mod+k', commands: ['k', '(chord mod+k mod+o)', '(chord mod+k s)'] },
    ])
  })
})
