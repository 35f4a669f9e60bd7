import { useEffect, useMemo, useRef, useState } from 'react'
import type { KeyboardEvent } from 'react'
import type { HearthApi, ResultOf } from '@shared/contract'
import { highlightParts, queryWords } from './highlight'
import './search.css'

type Response = ResultOf<'search.query'>
type Hit = Response['results'][number]
type Mode = 'hybrid' | 'fts' | 'vector'

interface Props {
  api: HearthApi
  /** Open `path` with the cursor on 1-based `line`. */
  onOpen: (path: string, line: number) => void
  onClose?: () => void
  initialQuery?: string
}

type State =
  | { kind: 'idle' }
  | { kind: 'searching' }
  | { kind: 'done'; response: Response }
  | { kind: 'error'; message: string }

const DEBOUNCE_MS = 180

/** The line a hit opens at: its first matched line, else where its snippet starts. */
export const lineOf = (h: Hit): number => h.matchLines[0] ?? h.snippetLine

/**
 * Code search (Ctrl/Cmd+Shift+F): hybrid by default, results grouped by file, matched lines and
 * words highlighted, ↑/↓ to move, Enter opens at the line, Esc closes.
 */
export function SearchPanel({ api, onOpen, onClose, initialQuery = '' }: Props) {
  const [query, setQuery] = useState(initialQuery)
  const [mode, setMode] = useState<Mode>('hybrid')
  const [glob, setGlob] = useState('')
  const [state, setState] = useState<State>({ kind: 'idle' })
  const [selected, setSelected] = useState(0)
  const listRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const q = query.trim()
    if (!q) {
      setState({ kind: 'idle' })
      return
    }
    const ctl = new AbortController()
    const timer = setTimeout(() => {
      setState({ kind: 'searching' })
      const args = { query: q, mode, limit: 50, ...(glob.trim() ? { pathGlob: glob.trim() } : {}) }
      api.call('search.query', args, { signal: ctl.signal }).then(
        (response) => {
          setState({ kind: 'done', response })
          setSelected(0)
        },
        (err: unknown) => {
          if (!ctl.signal.aborted)
            setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) })
        },
      )
    }, DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      ctl.abort()
    }
  }, [api, query, mode, glob])

  const hits = state.kind === 'done' ? state.response.results : []
  const groups = useMemo(() => {
    const byFile = new Map<string, { hit: Hit; index: number }[]>()
    hits.forEach((hit, index) => {
      const g = byFile.get(hit.path) ?? []
      g.push({ hit, index })
      byFile.set(hit.path, g)
    })
    return [...byFile]
  }, [hits])
  const words = useMemo(() => queryWords(query), [query])

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' })
  }, [selected])

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowDown') setSelected((i) => Math.min(hits.length - 1, i + 1))
    else if (e.key === 'ArrowUp') setSelected((i) => Math.max(0, i - 1))
    else if (e.key === 'Enter') {
      const h = hits[selected]
      if (h) onOpen(h.path, lineOf(h))
    } else if (e.key === 'Escape' && onClose) onClose()
    else return
    e.preventDefault()
  }

  return (
    <div className="search-panel" data-testid="search-panel" onKeyDown={onKeyDown}>
      <div className="search-inputs">
        <input
          autoFocus
          className="search-query"
          data-testid="search-input"
          placeholder="Search code (words, identifiers, questions)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          spellCheck={false}
          aria-controls="search-results"
        />
        <div className="search-options">
          <select aria-label="Search mode" value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
            <option value="hybrid">Hybrid</option>
            <option value="fts">Full text</option>
            <option value="vector">Semantic</option>
          </select>
          <input
            className="search-glob"
            placeholder="files to include, e.g. src/**/*.ts"
            value={glob}
            onChange={(e) => setGlob(e.target.value)}
            spellCheck={false}
            aria-label="Files to include"
          />
        </div>
      </div>
      {state.kind === 'searching' && <div className="search-note">Searching…</div>}
      {state.kind === 'error' && <div className="search-note error">{state.message}</div>}
      {state.kind === 'done' && state.response.notice && (
        <div className="search-note warning" data-testid="search-notice">
          {state.response.notice}
        </div>
      )}
      {state.kind === 'done' && (
        <div className="search-summary">
          {hits.length === 0 ? 'No results' : `${hits.length} results in ${groups.length} files`} ·{' '}
          {state.response.ms} ms
        </div>
      )}
      <div className="search-results" id="search-results" role="listbox" ref={listRef}>
        {groups.map(([path, items]) => (
          <div className="search-file" key={path}>
            <div className="search-file-header" title={path}>
              <span className="search-file-name">{path.slice(path.lastIndexOf('/') + 1)}</span>
              <span className="search-file-dir">
                {path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''}
              </span>
              <span className="search-file-count">{items.length}</span>
            </div>
            {items.map(({ hit, index }) => (
              <div
                key={`${hit.startLine}-${index}`}
                className="search-hit"
                role="option"
                aria-selected={index === selected}
                data-testid="search-hit"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  setSelected(index)
                  onOpen(hit.path, lineOf(hit))
                }}
              >
                {hit.snippet.split('\n').map((line, i) => {
                  const lineNo = hit.snippetLine + i
                  const matched = hit.matchLines.includes(lineNo)
                  return (
                    <div key={lineNo} className={matched ? 'search-line matched' : 'search-line'}>
                      <span className="search-line-no">{lineNo}</span>
                      <code>
                        {highlightParts(line, matched ? words : []).map((p, j) =>
                          p.match ? <mark key={j}>{p.text}</mark> : <span key={j}>{p.text}</span>,
                        )}
                      </code>
                    </div>
                  )
                })}
              </div>
            ))}
          </div>
        ))}
      </div>
    </div>
  )
}
