import { useState } from 'react'
import type { HTMLAttributes, KeyboardEvent, ReactNode } from 'react'
import './palette.css'

/**
 * The palette's frame, shared by quick open, the command's picks, the branch picker and the
 * shortcuts view: a dimmed overlay that closes on a click outside, a dialog in the palette's
 * place, Escape anywhere inside closes.
 */
export function PickerDialog({
  testId,
  label,
  className,
  onClose,
  children,
  ...rest
}: {
  testId: string
  label: string
  className?: string
  /** Escape and a click outside. */
  onClose: () => void
  children: ReactNode
} & Omit<HTMLAttributes<HTMLDivElement>, 'className' | 'role' | 'aria-label' | 'onMouseDown'> &
  Record<`data-${string}`, string>) {
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    rest.onKeyDown?.(e)
    if (e.defaultPrevented || e.key !== 'Escape') return
    e.preventDefault()
    onClose()
  }
  return (
    <div className="overlay" onMouseDown={onClose}>
      <div
        {...rest}
        className={className ? `quick-open ${className}` : 'quick-open'}
        data-testid={testId}
        role="dialog"
        aria-label={label}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={onKeyDown}
      >
        {children}
      </div>
    </div>
  )
}

/**
 * Moving through a picker's list from its input: arrows (wrapping around where `wrap`), Page Up
 * and Down by ten, Enter accepts the highlighted row. Escape is the dialog's (PickerDialog).
 */
export function useListNavigation(
  count: number,
  onAccept: (index: number) => void,
  { wrap = false }: { wrap?: boolean } = {},
): {
  index: number
  setIndex: (i: number | ((i: number) => number)) => void
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void
} {
  const [selected, setIndex] = useState(0)
  const last = Math.max(0, count - 1)
  // A list that just shrank (typing narrowed it) can hold a row number past its end until its
  // owner's reset lands, which an Enter typed at once can beat: that row is the top one, not none.
  const index = selected <= last ? selected : 0
  const onKeyDown = (e: KeyboardEvent<HTMLElement>): void => {
    const page = 10
    if (e.key === 'ArrowDown')
      setIndex((i) => (wrap ? (count === 0 ? 0 : (i + 1) % count) : Math.min(last, i + 1)))
    else if (e.key === 'ArrowUp')
      setIndex((i) => (wrap ? (count === 0 ? 0 : (i - 1 + count) % count) : Math.max(0, i - 1)))
    else if (e.key === 'PageDown') setIndex((i) => Math.min(last, i + page))
    else if (e.key === 'PageUp') setIndex((i) => Math.max(0, i - page))
    else if (e.key === 'Enter') onAccept(index)
    else return
    e.preventDefault()
  }
  return { index, setIndex, onKeyDown }
}
