import { useEffect, useLayoutEffect, useRef, useState } from 'react'

export interface MenuItem {
  id: string
  label: string
  /** Shown on the right ("F2", "Delete"). */
  keys?: string
  run: () => void
}

/** A separator between groups. */
export const SEPARATOR = 'separator'

interface Props {
  x: number
  y: number
  items: readonly (MenuItem | typeof SEPARATOR)[]
  onClose: () => void
}

/**
 * The explorer's context menu: opened at the pointer (or at the selected row from the keyboard),
 * kept inside the window, driven by arrows, Enter and Escape; a click elsewhere closes it.
 */
export function ExplorerMenu({ x, y, items, onClose }: Props) {
  const ref = useRef<HTMLDivElement>(null)
  const [pos, setPos] = useState({ left: x, top: y })
  const actions = items.filter((i): i is MenuItem => i !== SEPARATOR)
  // Nothing is highlighted until the pointer or an arrow key picks an item (as in VS Code).
  const [active, setActive] = useState(-1)

  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const r = el.getBoundingClientRect()
    setPos({
      left: Math.max(0, Math.min(x, window.innerWidth - r.width - 4)),
      top: Math.max(0, Math.min(y, window.innerHeight - r.height - 4)),
    })
    el.focus()
  }, [x, y])

  useEffect(() => {
    const away = (e: Event): void => {
      if (!ref.current?.contains(e.target as Node)) onClose()
    }
    window.addEventListener('mousedown', away, true)
    window.addEventListener('blur', onClose)
    window.addEventListener('resize', onClose)
    return () => {
      window.removeEventListener('mousedown', away, true)
      window.removeEventListener('blur', onClose)
      window.removeEventListener('resize', onClose)
    }
  }, [onClose])

  const run = (item: MenuItem | undefined): void => {
    if (!item) return
    onClose()
    item.run()
  }

  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      tabIndex={-1}
      data-testid="explorer-menu"
      style={{ left: pos.left, top: pos.top }}
      onContextMenu={(e) => e.preventDefault()}
      onKeyDown={(e) => {
        e.stopPropagation()
        if (e.key === 'ArrowDown') setActive((i) => (i + 1) % actions.length)
        else if (e.key === 'ArrowUp') setActive((i) => (i <= 0 ? actions.length : i) - 1)
        else if (e.key === 'Home') setActive(0)
        else if (e.key === 'End') setActive(actions.length - 1)
        else if (e.key === 'Enter' || e.key === ' ') run(actions[active])
        else if (e.key === 'Escape' || e.key === 'Tab') onClose()
        else return
        e.preventDefault()
      }}
    >
      {items.map((item, i) =>
        item === SEPARATOR ? (
          <div key={`sep-${i}`} className="context-menu-separator" role="separator" />
        ) : (
          <div
            key={item.id}
            role="menuitem"
            className={actions.indexOf(item) === active ? 'context-menu-item active' : 'context-menu-item'}
            data-testid={`explorer-menu-${item.id}`}
            onMouseEnter={() => setActive(actions.indexOf(item))}
            onClick={() => run(item)}
          >
            <span>{item.label}</span>
            {item.keys && <span className="context-menu-keys">{item.keys}</span>}
          </div>
        ),
      )}
    </div>
  )
}
