import type { ReactNode } from 'react'
import type { LiteralFile } from './useLiteralSearch'

/**
 * Lines drawn at most: past this the list would take seconds to draw (a search stops at 20,000
 * matches); the summary still counts them all, and a note asks for a narrower search.
 */
export const MAX_SHOWN_LINES = 2000

/** One line of a literal result, flattened for keyboard selection. */
export interface LiteralRow {
  path: string
  line: number
  /** Column (1-based) of the first match, for opening at it. */
  column: number
}

export function literalRows(files: readonly LiteralFile[]): LiteralRow[] {
  return files
    .flatMap((f) =>
      f.lines.map((l) => ({ path: f.path, line: l.line, column: (l.ranges[0]?.[0] ?? 0) + l.offset + 1 })),
    )
    .slice(0, MAX_SHOWN_LINES)
}

/** `text` with the `[start, end)` ranges wrapped in <mark>. */
export function marked(text: string, ranges: readonly (readonly [number, number])[]): ReactNode[] {
  const out: ReactNode[] = []
  let at = 0
  ranges.forEach(([s, e], i) => {
    if (s > at) out.push(<span key={`t${i}`}>{text.slice(at, s)}</span>)
    out.push(<mark key={`m${i}`}>{text.slice(s, e)}</mark>)
    at = e
  })
  if (at < text.length) out.push(<span key="rest">{text.slice(at)}</span>)
  return out
}

interface Props {
  files: readonly LiteralFile[]
  selected: number
  onSelect: (index: number) => void
  onOpen: (row: LiteralRow) => void
}

/** Literal results grouped by file, in the order they were found; each line's matches marked. */
export function LiteralResults({ files, selected, onSelect, onOpen }: Props) {
  const shown: LiteralFile[] = []
  let hidden = 0
  let kept = 0
  for (const f of files) {
    const room = Math.max(0, MAX_SHOWN_LINES - kept)
    if (room > 0) shown.push(f.lines.length > room ? { ...f, lines: f.lines.slice(0, room) } : f)
    hidden += Math.max(0, f.lines.length - room)
    kept += Math.min(f.lines.length, room)
  }
  let index = 0
  return (
    <>
      {shown.map((f) => (
        <div className="search-file" key={f.path} data-testid="literal-file" data-path={f.path}>
          <div className="search-file-header" title={f.path}>
            <span className="search-file-name">{f.path.slice(f.path.lastIndexOf('/') + 1)}</span>
            <span className="search-file-dir">
              {f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : ''}
            </span>
            <span className="search-file-count">{f.lines.reduce((n, l) => n + l.ranges.length, 0)}</span>
          </div>
          {f.lines.map((l) => {
            const i = index++
            const row = { path: f.path, line: l.line, column: (l.ranges[0]?.[0] ?? 0) + l.offset + 1 }
            return (
              <div
                key={l.line}
                className="search-hit literal"
                role="option"
                aria-selected={i === selected}
                data-testid="search-hit"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  onSelect(i)
                  onOpen(row)
                }}
              >
                <div className="search-line matched">
                  <span className="search-line-no">{l.line}</span>
                  <code>{marked(l.text, l.ranges)}</code>
                </div>
              </div>
            )
          })}
        </div>
      ))}
      {hidden > 0 && (
        <div className="search-note" data-testid="literal-hidden">
          {hidden} more matching lines not shown: narrow the search (files to include, match case, whole
          word).
        </div>
      )}
    </>
  )
}
