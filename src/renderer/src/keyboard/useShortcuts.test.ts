import { describe, expect, it } from 'vitest'
import { leftToShell } from './useShortcuts'

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
