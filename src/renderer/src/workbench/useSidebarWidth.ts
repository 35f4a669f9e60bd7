import { startSashDrag } from './sashDrag'
import { useCallback, useState } from 'react'
import type { PointerEvent } from 'react'

const KEY = 'hearth.sidebarWidth'
const MIN = 160
const MAX = 640

function initial(): number {
  const saved = Number(localStorage.getItem(KEY))
  return Number.isFinite(saved) && saved >= MIN && saved <= MAX ? saved : 260
}

/** Keeps a saved width (the folder's session) within the limits. */
export function clampSidebarWidth(w: number): number {
  return Math.max(MIN, Math.min(MAX, w))
}

/**
 * A draggable sidebar edge; the width is remembered per browser profile, and per folder in its
 * session (`setWidth` puts that back).
 */
export function useSidebarWidth(): {
  width: number
  setWidth: (w: number) => void
  onPointerDown: (e: PointerEvent<HTMLElement>) => void
} {
  const [width, setWidth] = useState(initial)
  const onPointerDown = useCallback(
    (e: PointerEvent<HTMLElement>) => {
      const startX = e.clientX
      const startW = width
      const widthAt = (x: number): number => Math.max(MIN, Math.min(MAX, startW + x - startX))
      startSashDrag(e, 'x', widthAt, setWidth, (w) => localStorage.setItem(KEY, String(w)))
    },
    [width],
  )
  return { width, setWidth, onPointerDown }
}
