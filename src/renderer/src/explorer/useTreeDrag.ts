import { useRef, useState } from 'react'
import type { DragEvent } from 'react'

/** The drag payload type: only rows of this tree are dropped (not files from the desktop). */
const DRAG_TYPE = 'application/x-hearth-path'
/** A folder hovered this long while dragging opens, as in VS Code. */
const DRAG_EXPAND_MS = 600

/**
 * Drag and drop in the explorer: a row dragged onto a folder (a file row stands for its folder,
 * empty space for the workspace folder) is moved there. `dropDir` is the folder to highlight.
 */
export function useTreeDrag(opts: {
  isExpanded: (dir: string) => boolean
  expand: (dir: string) => void
  move: (from: string, dir: string) => void
}) {
  const [dropDir, setDropDir] = useState<string | undefined>()
  const dragging = useRef<string | undefined>(undefined)
  const timer = useRef<{ dir: string; id: ReturnType<typeof setTimeout> } | undefined>(undefined)
  const o = useRef(opts)
  o.current = opts

  const end = (): void => {
    dragging.current = undefined
    clearTimeout(timer.current?.id)
    timer.current = undefined
    setDropDir(undefined)
  }

  return {
    dropDir,
    start(e: DragEvent, path: string): void {
      dragging.current = path
      e.dataTransfer.setData(DRAG_TYPE, path)
      e.dataTransfer.setData('text/plain', path)
      e.dataTransfer.effectAllowed = 'move'
    },
    end,
    over(e: DragEvent, dir: string): void {
      if (!e.dataTransfer.types.includes(DRAG_TYPE)) return
      e.preventDefault()
      e.stopPropagation()
      e.dataTransfer.dropEffect = 'move'
      setDropDir(dir)
      if (timer.current?.dir === dir) return
      clearTimeout(timer.current?.id)
      timer.current =
        dir === '' || o.current.isExpanded(dir)
          ? undefined
          : { dir, id: setTimeout(() => o.current.expand(dir), DRAG_EXPAND_MS) }
    },
    leave(): void {
      setDropDir(undefined)
    },
    drop(e: DragEvent, dir: string): void {
      const from = e.dataTransfer.getData(DRAG_TYPE) || dragging.current
      end()
      if (!from) return
      e.preventDefault()
      e.stopPropagation()
      o.current.move(from, dir)
    },
  }
}
