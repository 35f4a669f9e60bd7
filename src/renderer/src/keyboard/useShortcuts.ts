import { useEffect, useRef } from 'react'
import type { Keybinding } from './keybindings'
import { resolveKey } from './keybindings'

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** How long the second key of a chord may take. */
const CHORD_MS = 2000

/**
 * In the terminal, Ctrl+letter belongs to the shell (Ctrl+W deletes a word, Ctrl+L clears, Ctrl+E
 * ends the line…). As VS Code's `commandsToSkipShell`, only these workbench commands take their
 * keys there; Shift/Alt combinations, function keys and the terminal's own commands always do.
 */
const SKIP_SHELL = new Set(['workbench.quickOpen', 'workbench.showCommands', 'view.togglePanel'])

export function leftToShell(e: KeyboardEvent, command: string): boolean {
  if (SKIP_SHELL.has(command) || command.startsWith('terminal.')) return false
  return isShellKey(e)
}

/** Ctrl+letter in a terminal: readline's (Ctrl+K kills the line), unless a command above keeps it. */
function isShellKey(e: KeyboardEvent): boolean {
  const target = e.target as Element | null
  if (!target?.closest?.('.xterm')) return false
  // Cmd on macOS is no shell key: Cmd+B still toggles the sidebar from the terminal.
  return e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey && /^[a-z]$/i.test(e.key)
}

const inEditor = (e: KeyboardEvent): boolean => !!(e.target as Element | null)?.closest?.('.monaco-editor')

/**
 * Whether a press that starts one of our chords may arm it. Not in a terminal when the shell has
 * the key (its Ctrl+K must not make the next `s` Save All), nor in an editor, where Monaco owns
 * our chords (keyboard/editorChords.ts) and would otherwise be left waiting for a second stroke.
 */
export function mayArmChord(e: KeyboardEvent): boolean {
  return !isShellKey(e) && !inEditor(e)
}

/**
 * Workbench shortcuts, caught in the capture phase so they win over Monaco (which would
 * otherwise swallow e.g. Ctrl+P as "nothing", or open its own palette on F1), as VS Code's
 * keybinding service does. `dispatch` returns false when the command cannot run now (disabled):
 * the key then goes on to whoever else wants it.
 */
export function useShortcuts(table: readonly Keybinding[], dispatch: (command: string) => boolean): void {
  const dispatchRef = useRef(dispatch)
  dispatchRef.current = dispatch
  const tableRef = useRef(table)
  tableRef.current = table
  useEffect(() => {
    let prefix: { key: string; at: number } | undefined
    // When a chord start went on to Monaco, which then waits for its second stroke.
    let editorChordAt = 0
    const onKey = (e: KeyboardEvent): void => {
      if (e.repeat && e.key !== 'Tab') return
      // Modifier presses alone neither run nor cancel a chord.
      if (e.key === 'Control' || e.key === 'Shift' || e.key === 'Alt' || e.key === 'Meta') return
      const pending = prefix && Date.now() - prefix.at < CHORD_MS ? prefix.key : undefined
      const monacoArmed = Date.now() - editorChordAt < CHORD_MS && inEditor(e)
      prefix = undefined
      editorChordAt = 0
      const r = resolveKey(e, isMac, pending, tableRef.current)
      if (r.prefix) {
        if (mayArmChord(e)) prefix = { key: r.prefix, at: Date.now() }
        else if (inEditor(e)) editorChordAt = Date.now()
      }
      if (!r.command || leftToShell(e, r.command)) return
      if (!dispatchRef.current(r.command)) return
      e.preventDefault()
      // Monaco, armed by a chord start, must see this key to leave its chord mode (it is not one
      // of its chords: those are ours there); otherwise it would eat the next typed character.
      if (!monacoArmed) e.stopPropagation()
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [])
}
