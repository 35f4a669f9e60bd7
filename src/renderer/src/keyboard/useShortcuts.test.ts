import { describe, expect, it } from 'vitest'
import { leftToShell, mayArmChord } from './useShortcuts'

const press = (key: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean }, inTerminal = true) =>
  ({
    key,
    ctrlKey: !!mods.ctrl,
    metaKey: !!mods.meta,
    shiftKey: !!mods.shift,
    altKey: false,
    target: { closest: (sel: string) => (inTerminal && sel === '.xterm' ? {} : null) },
  }) as unknown as KeyboardEvent

describe('keys in the terminal', () => {
  it('leaves Ctrl+letter to the shell, except quick open, the palette, the panel and terminal commands', () => {
    expect(leftToShell(press('w', { ctrl: true }), 'file.closeEditor')).toBe(true)
    expect(leftToShell(press('l', { ctrl: true }), 'view.showChat')).toBe(true)
    expect(leftToShell(press('p', { ctrl: true }), 'workbench.quickOpen')).toBe(false)
    expect(leftToShell(press('j', { ctrl: true }), 'view.togglePanel')).toBe(false)
    expect(leftToShell(press('P', { ctrl: true, shift: true }), 'workbench.showCommands')).toBe(false)
    expect(leftToShell(press('b', { meta: true }), 'view.toggleSidebar')).toBe(false)
  })
  it('changes nothing outside the terminal', () => {
    const e = press('w', { ctrl: true }, false)
    expect(leftToShell(e, 'file.closeEditor')).toBe(false)
  })
})

describe('chord starts', () => {
  const at = (key: string, mods: { ctrl?: boolean; meta?: boolean }, where: string | undefined) =>
    ({
      key,
      ctrlKey: !!mods.ctrl,
      metaKey: !!mods.meta,
      shiftKey: false,
      altKey: false,
      target: { closest: (sel: string) => (sel === where ? {} : null) },
    }) as unknown as KeyboardEvent

  it("arms no chord on the shell's Ctrl+K, so the next s or p still reaches the shell", () => {
    expect(mayArmChord(at('k', { ctrl: true }, '.xterm'))).toBe(false)
    expect(mayArmChord(at('k', { meta: true }, '.xterm'))).toBe(true)
  })
  it('leaves chords in the editor to Monaco, and arms them everywhere else', () => {
    expect(mayArmChord(at('k', { ctrl: true }, '.monaco-editor'))).toBe(false)
    expect(mayArmChord(at('k', { ctrl: true }, undefined))).toBe(true)
  })
})
