import type { Monaco } from '../monaco/monacoSetup'
import type { Keybinding } from './keybindings'

/**
 * Chords (Ctrl+K S) while an editor has focus belong to Monaco. Its keybinding service sees the
 * first stroke too (we never swallow chord starts, Monaco has its own Ctrl+K chords) and waits
 * for a second one: were we to take the second, Monaco would stay armed and eat the next typed
 * character as "(Ctrl+K, x) is not a command". So our chord commands are Monaco keybindings
 * there, and useShortcuts leaves chords in the editor alone.
 */
export function editorOwnsChords(
  monaco: Monaco,
  table: readonly Keybinding[],
  run: (command: string) => void,
  isMac: boolean,
): { dispose(): void } {
  const disposables: { dispose(): void }[] = []
  const registered = new Set<string>()
  const rules: { keybinding: number; command: string }[] = []
  for (const b of table) {
    if (!b.key.includes(' ')) continue
    const keybinding = monacoKeybinding(monaco, b.key, isMac)
    if (keybinding === undefined) continue
    const id = `hearth.${b.command}`
    if (!registered.has(id)) {
      registered.add(id)
      disposables.push(monaco.editor.addCommand({ id, run: () => run(b.command) }))
    }
    rules.push({ keybinding, command: id })
  }
  disposables.push(monaco.editor.addKeybindingRules(rules))
  return { dispose: () => disposables.forEach((d) => d.dispose()) }
}

/** A binding in keybindings.ts syntax as Monaco's number; undefined for a key not mapped here. */
export function monacoKeybinding(monaco: Monaco, binding: string, isMac: boolean): number | undefined {
  const strokes = binding
    .trim()
    .split(/\s+/)
    .map((s) => monacoStroke(monaco, s, isMac))
  const [first, second] = strokes
  if (first === undefined || strokes.length > 2) return undefined
  if (strokes.length === 1) return first
  return second === undefined ? undefined : monaco.KeyMod.chord(first, second)
}

function monacoStroke(monaco: Monaco, stroke: string, isMac: boolean): number | undefined {
  const parts = stroke.toLowerCase().split('+')
  const key = parts.pop() ?? ''
  const name = /^[a-z]$/.test(key)
    ? `Key${key.toUpperCase()}`
    : /^[0-9]$/.test(key)
      ? `Digit${key}`
      : /^f\d{1,2}$/.test(key)
        ? key.toUpperCase()
        : undefined
  const code = name === undefined ? undefined : (monaco.KeyCode as unknown as Record<string, number>)[name]
  if (code === undefined) return undefined
  // Monaco's CtrlCmd is Cmd on macOS and Ctrl elsewhere (our `mod`); WinCtrl is Ctrl on macOS.
  const { CtrlCmd, WinCtrl, Alt, Shift } = monaco.KeyMod
  let mods = 0
  for (const p of parts) {
    if (p === 'mod') mods |= CtrlCmd
    else if (p === 'ctrl') mods |= isMac ? WinCtrl : CtrlCmd
    else if (p === 'meta') mods |= isMac ? CtrlCmd : WinCtrl
    else if (p === 'alt') mods |= Alt
    else if (p === 'shift') mods |= Shift
    else return undefined
  }
  return mods | code
}
