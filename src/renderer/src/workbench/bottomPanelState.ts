import { useCallback } from 'react'
import { ObservableValue } from '../util/observableValue'
import { useObservable } from '../util/useObservable'

export interface BottomPanelState {
  visible: boolean
  /** The view shown in it (a `bottomPanels` id). */
  active: string
}

/**
 * The panel under the editor: shown or hidden as a whole, one view at a time. One per window, so
 * the commands that open it (Ctrl+J, Ctrl+`) and the workbench that draws it share it.
 */
export const bottomPanel = new ObservableValue<BottomPanelState>({ visible: false, active: 'terminal' })

export function showBottomPanel(view?: string): void {
  const s = bottomPanel.get()
  if (!s.visible || (view && view !== s.active)) bottomPanel.set({ visible: true, active: view ?? s.active })
}

export function hideBottomPanel(): void {
  const s = bottomPanel.get()
  if (s.visible) bottomPanel.set({ ...s, visible: false })
}

export function toggleBottomPanel(): void {
  if (bottomPanel.get().visible) hideBottomPanel()
  else showBottomPanel()
}

const HEIGHT_KEY = 'hearth.bottomPanelHeight'
export const MIN_PANEL_HEIGHT = 80

/** The remembered height (per browser profile, like the sidebar's width). */
export function savedPanelHeight(): number {
  const saved = Number(localStorage.getItem(HEIGHT_KEY))
  return Number.isFinite(saved) && saved >= MIN_PANEL_HEIGHT ? saved : 260
}

export function savePanelHeight(height: number): void {
  localStorage.setItem(HEIGHT_KEY, String(Math.round(height)))
}

/**
 * The panel's visibility as React state (`[visible, setVisible]`), for the workbench's layout
 * (session restore, Toggle Panel): the same state the terminal commands show the panel with.
 */
export function usePanelVisible(): [boolean, (next: boolean | ((visible: boolean) => boolean)) => void] {
  const visible = useObservable(bottomPanel).visible
  const set = useCallback((next: boolean | ((visible: boolean) => boolean)) => {
    const v = typeof next === 'function' ? next(bottomPanel.get().visible) : next
    if (v) showBottomPanel()
    else hideBottomPanel()
  }, [])
  return [visible, set]
}
