import { useMemo } from 'react'
import type { MouseEvent } from 'react'
import type { EditorSnapshot } from '../documents/docView'
import { tabHints } from './tabLabels'
import '../quickopen/palette.css'

interface Props {
  snapshot: EditorSnapshot
  onActivate: (path: string) => void
  onClose: (path: string) => void
}

/**
 * Open files; ● marks unsaved ones (the close button shows on hover, as in VS Code). Tabs that
 * share a name show their folder beside it.
 */
export function TabBar({ snapshot, onActivate, onClose }: Props) {
  const hints = useMemo(() => tabHints(snapshot.docs.map((d) => d.path)), [snapshot.docs])
  if (snapshot.docs.length === 0) return null
  const close = (e: MouseEvent, path: string): void => {
    e.stopPropagation()
    onClose(path)
  }
  return (
    <div className="tabbar" role="tablist" data-testid="tabbar">
      {snapshot.docs.map((d) => {
        const active = d.path === snapshot.active
        return (
          <div
            key={d.path}
            role="tab"
            aria-selected={active}
            className={['tab', active && 'active', d.dirty && 'dirty'].filter(Boolean).join(' ')}
            data-testid="tab"
            data-path={d.path}
            data-dirty={d.dirty}
            title={d.path}
            onClick={() => onActivate(d.path)}
            onAuxClick={(e) => e.button === 1 && close(e, d.path)}
          >
            <span className="tab-name">{d.name}</span>
            {hints.has(d.path) && (
              <span className="tab-hint" data-testid="tab-hint">
                {hints.get(d.path)}
              </span>
            )}
            <button
              className="tab-close"
              aria-label={`Close ${d.name}`}
              data-testid="tab-close"
              onClick={(e) => close(e, d.path)}
            >
              <span className="tab-dirty-dot" aria-hidden="true">
                ●
              </span>
              <span className="tab-x" aria-hidden="true">
                ×
              </span>
            </button>
          </div>
        )
      })}
    </div>
  )
}
