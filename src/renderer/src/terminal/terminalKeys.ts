import type { Terminal } from '@xterm/xterm'

/**
 * Copy and paste as terminals on Linux and Windows do them: Ctrl+Shift+C copies the selection
 * (Chromium would open its element picker), Ctrl+Shift+V pastes (the browser's own paste event,
 * which xterm turns into bracketed-paste input — no clipboard permission needed), and Ctrl+C
 * with a selection copies it instead of interrupting (the selection clears, so a second Ctrl+C
 * interrupts). Everything else goes to the shell; workbench shortcuts are caught before xterm
 * sees them (in the capture phase).
 */
export function attachClipboardKeys(term: Terminal): void {
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown' || e.altKey || e.metaKey || !e.ctrlKey) return true
    const key = e.key.toLowerCase()
    if (key === 'c' && (e.shiftKey || term.hasSelection())) {
      e.preventDefault()
      copyText(term.getSelection())
      if (!e.shiftKey) term.clearSelection()
      return false
    }
    // Not handled by xterm and not prevented: Chromium pastes into xterm's textarea.
    if (key === 'v' && e.shiftKey) return false
    return true
  })
}

export function copyText(text: string): void {
  if (!text) return
  if (navigator.clipboard?.writeText) {
    navigator.clipboard.writeText(text).catch(() => copyWithSelection(text))
  } else copyWithSelection(text)
}

/** Where the async clipboard is refused (an insecure origin), the old way still works on a key press. */
function copyWithSelection(text: string): void {
  const area = document.createElement('textarea')
  area.value = text
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  const focused = document.activeElement as HTMLElement | null
  area.select()
  try {
    document.execCommand('copy')
  } finally {
    area.remove()
    focused?.focus()
  }
}
