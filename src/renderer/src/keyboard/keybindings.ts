/** Commands the workbench handles itself (Monaco handles editing keys). */
export type CommandId =
  | 'quickOpen'
  | 'save'
  | 'closeTab'
  | 'nextTab'
  | 'previousTab'
  | 'toggleSidebar'
  | 'showExplorer'
  | 'showSearch'
  | 'showChat'
  | 'openFolder'

/**
 * VS Code's default keys. `mod` is Cmd on macOS and Ctrl elsewhere; `ctrl` is Ctrl everywhere
 * (VS Code keeps Ctrl+Tab on macOS too). Browsers keep Ctrl+W / Ctrl+Tab / Ctrl+PageDown for
 * themselves outside Electron, so VS Code's alternates (Ctrl+F4, Ctrl+Alt+…) are bound as well.
 */
export const DEFAULT_KEYBINDINGS: readonly { key: string; command: CommandId }[] = [
  { key: 'mod+p', command: 'quickOpen' },
  { key: 'mod+e', command: 'quickOpen' },
  { key: 'mod+s', command: 'save' },
  { key: 'mod+w', command: 'closeTab' },
  { key: 'ctrl+f4', command: 'closeTab' },
  { key: 'ctrl+tab', command: 'nextTab' },
  { key: 'ctrl+shift+tab', command: 'previousTab' },
  { key: 'mod+pagedown', command: 'nextTab' },
  { key: 'mod+pageup', command: 'previousTab' },
  { key: 'mod+alt+arrowright', command: 'nextTab' },
  { key: 'mod+alt+arrowleft', command: 'previousTab' },
  { key: 'mod+b', command: 'toggleSidebar' },
  { key: 'mod+shift+e', command: 'showExplorer' },
  { key: 'mod+shift+f', command: 'showSearch' },
  // Cursor's and Continue's chat key.
  { key: 'mod+l', command: 'showChat' },
  { key: 'mod+k mod+o', command: 'openFolder' },
]

export interface KeyLike {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

export function matchesKeybinding(e: KeyLike, binding: string, isMac: boolean): boolean {
  const parts = binding.toLowerCase().split('+')
  const key = parts.pop() ?? ''
  const want = { ctrl: false, meta: false, alt: false, shift: false }
  for (const p of parts) {
    if (p === 'mod') want[isMac ? 'meta' : 'ctrl'] = true
    else if (p === 'ctrl' || p === 'meta' || p === 'alt' || p === 'shift') want[p] = true
  }
  if (
    e.ctrlKey !== want.ctrl ||
    e.metaKey !== want.meta ||
    e.altKey !== want.alt ||
    e.shiftKey !== want.shift
  ) {
    return false
  }
  // With Shift held, `key` is the shifted character ('E', '{'), so compare case-insensitively.
  return e.key.toLowerCase() === key
}

export function commandForKey(e: KeyLike, isMac: boolean): CommandId | undefined {
  return resolveKey(e, isMac, undefined).command
}

/**
 * Resolves a key press, with chords (`mod+k mod+o`): a press that starts a chord returns it as
 * `prefix`; pass that back with the next press. Chord starts are not swallowed, so Monaco's own
 * Ctrl+K chords keep working.
 */
export function resolveKey(
  e: KeyLike,
  isMac: boolean,
  prefix: string | undefined,
): { command?: CommandId; prefix?: string } {
  for (const b of DEFAULT_KEYBINDINGS) {
    const [first, second] = b.key.split(' ') as [string, string | undefined]
    if (second === undefined) {
      if (matchesKeybinding(e, first, isMac)) return { command: b.command }
    } else if (prefix === first && matchesKeybinding(e, second, isMac)) {
      return { command: b.command }
    }
  }
  const chord = DEFAULT_KEYBINDINGS.find(
    (b) => b.key.includes(' ') && matchesKeybinding(e, b.key.split(' ')[0] ?? '', isMac),
  )
  return chord ? { prefix: chord.key.split(' ')[0] } : {}
}

/** Shown in tooltips: "Ctrl+P" or "⌘P". */
export function keyLabel(command: CommandId, isMac: boolean): string {
  const b = DEFAULT_KEYBINDINGS.find((k) => k.command === command)
  if (!b) return ''
  const parts = b.key.split(/[+ ]/).map((p) => {
    if (p === 'mod') return isMac ? '⌘' : 'Ctrl'
    if (p === 'ctrl') return isMac ? '⌃' : 'Ctrl'
    if (p === 'shift') return isMac ? '⇧' : 'Shift'
    if (p === 'alt') return isMac ? '⌥' : 'Alt'
    return p.length === 1 ? p.toUpperCase() : p[0]?.toUpperCase() + p.slice(1)
  })
  return parts.join(isMac ? '' : '+')
}
