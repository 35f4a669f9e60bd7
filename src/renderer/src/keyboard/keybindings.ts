/**
 * Key syntax and matching. Bindings are written `mod+shift+p`, chords `mod+k mod+o`: `mod` is
 * Cmd on macOS and Ctrl elsewhere; `ctrl` is Ctrl everywhere (VS Code keeps Ctrl+Tab on macOS
 * too). Which command a key runs comes from the commands' own `keys` (commands/registry.ts): this
 * file knows nothing of commands.
 */

export interface Keybinding {
  key: string
  command: string
}

export interface KeyLike {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
  /** The physical key (KeyboardEvent.code), when the event has one. */
  code?: string
}

/** Punctuation by physical key: with Shift held, `key` is the shifted character ('~' for '`'). */
const PUNCTUATION_CODES: Readonly<Record<string, string>> = {
  Backquote: '`',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
}

const MODIFIERS = new Set(['mod', 'ctrl', 'meta', 'alt', 'shift'])

/** Canonical form (lower case, modifiers in one order), so `shift+mod+P` and `mod+shift+p` are one key. */
export function normalizeKey(binding: string): string {
  return binding
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .map((stroke) => {
      const parts = stroke.split('+')
      const key = parts.pop() ?? ''
      const mods = ['mod', 'ctrl', 'meta', 'alt', 'shift'].filter((m) => parts.includes(m))
      return [...mods, key].join('+')
    })
    .join(' ')
}

/** Whether a binding is well formed: known modifiers and one key per stroke, at most two strokes. */
export function isValidKey(binding: string): boolean {
  const strokes = binding.trim().split(/\s+/)
  if (strokes.length > 2) return false
  return strokes.every((s) => {
    const parts = s.toLowerCase().split('+')
    const key = parts.pop()
    return !!key && !MODIFIERS.has(key) && parts.every((p) => MODIFIERS.has(p))
  })
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
  // With Shift held, `key` is the shifted character ('E', '{'), so compare case-insensitively,
  // and punctuation also by its physical key, as VS Code dispatches Ctrl+Shift+`.
  if (e.key.toLowerCase() === key) return true
  if (e.code === undefined) return false
  if (PUNCTUATION_CODES[e.code] === key) return true
  // Letters and digits by physical key only when the layout gave no plain letter or digit: Option
  // on macOS turns C into 'Ç', a Cyrillic layout gives 'с'. Where it did give one (AZERTY's A on
  // the physical Q key), that letter is the key meant, and the physical one must not match too.
  if (/^[a-z0-9]$/i.test(e.key)) return false
  return codeLetterOrDigit(e.code) === key
}

/** 'KeyC' → 'c', 'Digit1' → '1'; undefined for any other code. */
function codeLetterOrDigit(code: string): string | undefined {
  const m = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(code)
  return m ? (m[1] ?? m[2])?.toLowerCase() : undefined
}

/**
 * Resolves a key press against a table, with chords (`mod+k mod+o`): a press that starts a chord
 * returns it as `prefix`; pass that back with the next press. Chord starts are not swallowed, so
 * Monaco's own Ctrl+K chords keep working.
 */
export function resolveKey(
  e: KeyLike,
  isMac: boolean,
  prefix: string | undefined,
  table: readonly Keybinding[],
): { command?: string; prefix?: string } {
  for (const b of table) {
    const [first, second] = b.key.split(' ') as [string, string | undefined]
    if (second === undefined) {
      if (prefix === undefined && matchesKeybinding(e, first, isMac)) return { command: b.command }
    } else if (prefix === first && matchesKeybinding(e, second, isMac)) {
      return { command: b.command }
    }
  }
  // A single-stroke binding after an unfinished chord (Ctrl+K then Ctrl+P) still runs.
  if (prefix !== undefined) {
    const single = resolveKey(e, isMac, undefined, table)
    if (single.command) return single
  }
  const chord = table.find(
    (b) => b.key.includes(' ') && matchesKeybinding(e, b.key.split(' ')[0] ?? '', isMac),
  )
  return chord ? { prefix: chord.key.split(' ')[0] } : {}
}

const NAMED: Record<string, [string, string]> = {
  arrowleft: ['Left', '←'],
  arrowright: ['Right', '→'],
  arrowup: ['Up', '↑'],
  arrowdown: ['Down', '↓'],
  pageup: ['PageUp', 'PageUp'],
  pagedown: ['PageDown', 'PageDown'],
  escape: ['Escape', 'Esc'],
  enter: ['Enter', '↩'],
  backspace: ['Backspace', '⌫'],
  delete: ['Delete', '⌦'],
  tab: ['Tab', 'Tab'],
  space: ['Space', 'Space'],
  ' ': ['Space', 'Space'],
}

/** How a binding reads in tooltips, the palette and the docs: "Ctrl+K Ctrl+O" or "⌘K ⌘O". */
export function formatKey(binding: string, isMac: boolean): string {
  return binding
    .trim()
    .split(/\s+/)
    .map((stroke) => {
      const parts = stroke.split('+')
      const key = parts.pop() ?? ''
      const mods = parts.map((p) => {
        const m = p.toLowerCase()
        if (m === 'mod') return isMac ? '⌘' : 'Ctrl'
        if (m === 'ctrl') return isMac ? '⌃' : 'Ctrl'
        if (m === 'meta') return isMac ? '⌘' : 'Meta'
        if (m === 'shift') return isMac ? '⇧' : 'Shift'
        if (m === 'alt') return isMac ? '⌥' : 'Alt'
        return p
      })
      const named = NAMED[key.toLowerCase()]
      const k = named
        ? named[isMac ? 1 : 0]
        : key.length === 1
          ? key.toUpperCase()
          : /^f\d+$/i.test(key)
            ? key.toUpperCase()
            : (key[0]?.toUpperCase() ?? '') + key.slice(1)
      return [...mods, k].join(isMac ? '' : '+')
    })
    .join(' ')
}

/**
 * Keys bound to more than one command. Two commands on one key is a bug in the defaults (the first
 * declared would silently win), and so is a single key that is also the start of a chord.
 */
export function findConflicts(table: readonly Keybinding[]): { key: string; commands: string[] }[] {
  const byKey = new Map<string, Set<string>>()
  for (const b of table) {
    const k = normalizeKey(b.key)
    const set = byKey.get(k) ?? new Set<string>()
    set.add(b.command)
    byKey.set(k, set)
  }
  const out: { key: string; commands: string[] }[] = []
  for (const [key, commands] of byKey) if (commands.size > 1) out.push({ key, commands: [...commands] })
  for (const [key, commands] of byKey) {
    if (key.includes(' ')) continue
    const starts = [...byKey.keys()].filter((k) => k.startsWith(key + ' '))
    if (starts.length > 0) out.push({ key, commands: [...commands, ...starts.map((s) => `(chord ${s})`)] })
  }
  return out
}
