import { useEffect, useRef } from 'react'
import { SearchPanel } from '../search/SearchPanel'
import type { PanelProps } from './contributionTypes'

/** Mounts the search panel in the sidebar; Ctrl+Shift+F puts the cursor in its query box. */
export function SearchSidebar({ api, openFile, visible }: PanelProps) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (visible) ref.current?.querySelector('input')?.focus()
  }, [visible])
  return (
    <div className="search-sidebar" ref={ref}>
      <SearchPanel api={api} onOpen={(path, line, column) => openFile(path, { line, column: column ?? 1 })} />
    </div>
  )
}
