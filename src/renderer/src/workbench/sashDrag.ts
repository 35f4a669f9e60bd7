import type { PointerEvent } from 'react'

/**
 * Follows a sash being dragged from `e`: `sizeAt(pointer)` turns the pointer's position on the
 * axis into a size, `onMove` gets it while dragging and `onEnd` once when the pointer is let go
 * (to remember it). The pointer is captured, so a fast drag off the sash keeps resizing.
 */
export function startSashDrag(
  e: PointerEvent<HTMLElement>,
  axis: 'x' | 'y',
  sizeAt: (pointer: number) => number,
  onMove: (size: number) => void,
  onEnd: (size: number) => void,
): void {
  const target = e.currentTarget
  target.setPointerCapture(e.pointerId)
  const at = (ev: globalThis.PointerEvent): number => sizeAt(axis === 'x' ? ev.clientX : ev.clientY)
  const move = (ev: globalThis.PointerEvent): void => onMove(at(ev))
  const up = (ev: globalThis.PointerEvent): void => {
    target.removeEventListener('pointermove', move)
    target.removeEventListener('pointerup', up)
    onEnd(at(ev))
  }
  target.addEventListener('pointermove', move)
  target.addEventListener('pointerup', up)
}
