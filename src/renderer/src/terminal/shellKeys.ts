/**
 * Readline's keys stay with the shell while a terminal has focus. The workbench's shortcuts are
 * caught on the window in the capture phase, before any element sees them, so Ctrl+W (delete a
 * word), Ctrl+L (clear), Ctrl+E (end of line), Ctrl+K (kill the line; the workbench's chord
 * start) would close a tab or focus chat instead. As VS Code does, only a few workbench keys win
 * over the shell in a terminal (`commandsToSkipShell`: quick open, the sidebar, the panel); the
 * rest go to the shell.
 *
 * This listener is added when this module loads, before the workbench mounts its own, so it runs
 * first: it stops the event there and sends the shell what xterm would have sent.
 */

/** Ctrl+letter keys the workbench keeps in a terminal; Ctrl+C / Ctrl+V are xterm's (copy, paste). */
const WORKBENCH_KEEPS = new Set(['p', 'b', 'j', 'c', 'v'])

const screens = new Map<HTMLElement, (data: string) => void>()

/** Registers a terminal's element and how to send its shell input; returns the unregister. */
export function keepShellKeys(element: HTMLElement, send: (data: string) => void): () => void {
  screens.set(element, send)
  return () => screens.delete(element)
}

/** The control character a Ctrl+letter press stands for, where it belongs to the shell. */
export function shellControlChar(e: {
  key: string
  ctrlKey: boolean
  shiftKey: boolean
  altKey: boolean
  metaKey: boolean
}): string | undefined {
  if (!e.ctrlKey || e.shiftKey || e.altKey || e.metaKey) return undefined
  const key = e.key.toLowerCase()
  if (!/^[a-z]$/.test(key) || WORKBENCH_KEEPS.has(key)) return undefined
  return String.fromCharCode(key.charCodeAt(0) - 96)
}

function onKeyDown(e: KeyboardEvent): void {
  const target = e.target
  if (!(target instanceof Node)) return
  const ch = shellControlChar(e)
  if (ch === undefined) return
  for (const [element, send] of screens) {
    if (!element.contains(target)) continue
    e.preventDefault()
    e.stopImmediatePropagation()
    send(ch)
    return
  }
}

// macOS keeps its shortcuts on Cmd, so Ctrl+letters reach the shell there already.
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
if (typeof window !== 'undefined' && !isMac) window.addEventListener('keydown', onKeyDown, true)
