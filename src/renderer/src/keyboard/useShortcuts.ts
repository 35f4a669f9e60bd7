import { useEffect, useRef } from 'react'
import type { CommandId } from './keybindings'
import { resolveKey } from './keybindings'

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** How long the second key of a chord may take. */
const CHORD_MS = 2000

/**
 * Workbench shortcuts, caught in the capture phase so they win over Monaco (which would
 * otherwise swallow e.g. Ctrl+P as "nothing"), as VS Code's keybinding service does.
 */
export function useShortcuts(run: (command: CommandId) => void): void {
  const runRef = useRef(run)
  runRef.current = run
  useEffect(() => {
    let prefix: { key: string; at: number } | undefined
    const onKey = (e: KeyboardEvent): void => {
      if (e.repeat && e.key !== 'Tab') return
      const pending = prefix && Date.now() - prefix.at < CHORD_MS ? prefix.key : undefined
      prefix = undefined
      const r = resolveKey(e, isMac, pending)
      if (r.prefix) prefix = { key: r.prefix, at: Date.now() }
      if (!r.command) return
      e.preventDefault()
      e.stopPropagation()
      runRef.current(r.command)
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [])
}
