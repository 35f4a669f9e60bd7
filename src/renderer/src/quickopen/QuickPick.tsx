import { useMemo, useState } from 'react'
import type { PickItem } from '../commands/workbenchActions'
import { fuzzyScore } from './fuzzyScore'
import { PickerDialog, useListNavigation } from './PickerDialog'
import './palette.css'

export type QuickPickRequest =
  | {
      kind: 'pick'
      placeholder: string
      items: readonly PickItem[]
      resolve: (item: PickItem | undefined) => void
    }
  | { kind: 'info'; title: string; lines: readonly string[] }

/**
 * A command's second step in the palette's place: a filterable list to pick from (profiles…),
 * or lines of information (why no suggestion, index status) that Enter or Escape closes.
 */
export function QuickPick({ request, onClose }: { request: QuickPickRequest; onClose: () => void }) {
  const [query, setQuery] = useState('')
  const items = request.kind === 'pick' ? request.items : []
  const hits = useMemo(
    () => items.filter((it) => query.trim() === '' || fuzzyScore(query.replace(/\s+/g, ''), it.label)),
    [items, query],
  )
  const done = (item: PickItem | undefined): void => {
    onClose()
    if (request.kind === 'pick') request.resolve(item)
  }
  const { index, setIndex, onKeyDown } = useListNavigation(hits.length, (i) =>
    done(request.kind === 'pick' ? hits[i] : undefined),
  )
  return (
    <PickerDialog
      testId="quickpick"
      label={request.kind === 'pick' ? request.placeholder : request.title}
      onClose={() => done(undefined)}
      onKeyDown={request.kind === 'info' ? onKeyDown : undefined}
      tabIndex={-1}
    >
      {request.kind === 'pick' ? (
        <>
          <input
            autoFocus
            className="quick-open-input"
            data-testid="quickpick-input"
            placeholder={request.placeholder}
            value={query}
            onChange={(e) => {
              setQuery(e.target.value)
              setIndex(0)
            }}
            onKeyDown={onKeyDown}
            spellCheck={false}
          />
          <div className="quick-open-list" role="listbox">
            {hits.length === 0 && <div className="quick-open-note">Nothing matches.</div>}
            {hits.map((it, i) => (
              <div
                key={it.label + String(i)}
                role="option"
                aria-selected={i === index}
                className="quick-open-item"
                data-testid="quickpick-item"
                onMouseMove={() => setIndex(i)}
                onClick={() => done(it)}
              >
                <span className="quick-open-name quick-pick-label">{it.label}</span>
                {it.detail && <span className="quick-open-dir">{it.detail}</span>}
              </div>
            ))}
          </div>
        </>
      ) : (
        <>
          <div className="quick-pick-title">{request.title}</div>
          <div className="quick-open-list" data-testid="quickpick-info">
            {request.lines.map((l, i) => (
              <div key={i} className="quick-pick-info">
                {l}
              </div>
            ))}
          </div>
          <button type="button" autoFocus className="quick-pick-close" onClick={() => done(undefined)}>
            Close
          </button>
        </>
      )}
    </PickerDialog>
  )
}
