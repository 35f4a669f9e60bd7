import { useRef } from 'react'

/**
 * What had focus before the palette, a pick or the shortcuts view opened: a command picked in the
 * palette acts as if from there (the explorer's Rename… on the tree's selection), and closing
 * gives focus back to it, not always to the editor.
 */
export function useFocusReturn(focusEditor: () => void): {
  before: { readonly current: Element | null }
  remember: () => void
  restore: () => void
} {
  const before = useRef<Element | null>(null)
  const remember = (): void => {
    const el = document.activeElement
    // Opened by a command picked in one of these (a pick after the palette): keep the first.
    if (el?.closest('.overlay')) return
    before.current = el
  }
  const restore = (): void => {
    const el = before.current
    const usable =
      el instanceof HTMLElement && el.isConnected && el !== document.body && !el.closest('.overlay')
    // Monaco's own textarea may belong to a tab since closed or hidden: ask the active editor.
    if (usable && !el.closest('[data-testid="editor"]')) el.focus()
    else focusEditor()
  }
  return { before, remember, restore }
}
