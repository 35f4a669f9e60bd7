import { useEffect, useMemo, useRef, useState } from 'react'
import { onViewRequest } from '../commands/requests'
import type { KeyboardEvent } from 'react'
import type { HearthApi, ResultOf } from '@shared/contract'
import { highlightParts, queryWords } from './highlight'
import { LiteralResults, literalRows } from './LiteralResults'
import { ReplaceBar } from './ReplaceBar'
import { type LiteralArgs, useLiteralSearch } from './useLiteralSearch'
import './search.css'

type Response = ResultOf<'search.query'>
type Hit = Response['results'][number]
type Mode = 'hybrid' | 'fts' | 'vector' | 'literal'

interface Props {
  api: HearthApi
  /** Open `path` with the cursor on 1-based `line` (and `column`, when known). */
  onOpen: (path: string, line: number, column?: number) => void
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
 * Code search (Ctrl/Cmd+Shift+F): hybrid by default, or literal (exact text or regex, with match
 * case, whole word, include/exclude globs and replace across files); results grouped by file,
 * matched lines and words highlighted. Typing searches after a pause and Enter at once; ↑/↓
 * move, Alt+Enter or a click opens at the line, Esc closes.
 */
export function SearchPanel({ api, onOpen, onClose, initialQuery = '' }: Props) {
  const [query, setQuery] = useState(initialQuery)
  const [mode, setMode] = useState<Mode>('hybrid')
  // "Search: Find Exact Text or Regex in Files" and "Search: Search Code" from the palette.
  useEffect(() => onViewRequest('search.mode', setMode), [])
  const [glob, setGlob] = useState('')
  const [exclude, setExclude] = useState('')
  const [regex, setRegex] = useState(false)
  const [caseSensitive, setCaseSensitive] = useState(false)
  const [wholeWord, setWholeWord] = useState(false)
  const [state, setState] = useState<State>({ kind: 'idle' })
  const [selected, setSelected] = useState(0)
  /** Bumped by Enter (and after a replace): search now, without the typing pause. */
  const [run, setRun] = useState(0)
  const listRef = useRef<HTMLDivElement>(null)
  const lastRun = useRef(run)
  const literal = mode === 'literal'

  const literalArgs = useMemo<LiteralArgs | null>(
    () =>
      literal && query !== '' ? { query, regex, caseSensitive, wholeWord, include: glob, exclude } : null,
    [literal, query, regex, caseSensitive, wholeWord, glob, exclude],
  )
  const lit = useLiteralSearch(api, literalArgs, run, DEBOUNCE_MS)
  const litFiles = lit.kind === 'searching' || lit.kind === 'done' ? lit.files : []
  const rows = useMemo(() => literalRows(litFiles), [litFiles])

  useEffect(() => {
    const q = query.trim()
    if (literal || !q) {
      setState({ kind: 'idle' })
      return
    }
    const ctl = new AbortController()
    const timer = setTimeout(
      () => {
        setState({ kind: 'searching' })
        const args = {
          query: q,
          mode,
          limit: 50,
          ...(glob.trim() ? { pathGlob: glob.trim() } : {}),
        }
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
      },
      run === lastRun.current ? DEBOUNCE_MS : 0,
    )
    lastRun.current = run
    return () => {
      clearTimeout(timer)
      ctl.abort()
    }
  }, [api, query, mode, glob, literal, run])

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

  const count = literal ? rows.length : hits.length
  const openSelected = (): void => {
    if (literal) {
      const r = rows[selected]
      if (r) onOpen(r.path, r.line, r.column)
      return
    }
    const h = hits[selected]
    if (h) onOpen(h.path, lineOf(h))
  }

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowDown') setSelected((i) => Math.min(count - 1, i + 1))
    else if (e.key === 'ArrowUp') setSelected((i) => Math.max(0, i - 1))
    else if (e.key === 'Enter' && e.altKey) openSelected()
    else if (e.key === 'Enter') {
      // Enter searches (as in VS Code); only an input's own Enter, not a button's.
      if (!(e.target instanceof HTMLInputElement) || e.target.type === 'checkbox') return
      setSelected(0)
      setRun((n) => n + 1)
    } else if (e.key === 'Escape' && onClose) onClose()
    else return
    e.preventDefault()
  }

  const toggle = (label: string, title: string, on: boolean, set: (v: boolean) => void, testId: string) => (
    <button
      type="button"
      className={on ? 'search-toggle on' : 'search-toggle'}
      aria-pressed={on}
      title={title}
      data-testid={testId}
      onClick={() => set(!on)}
    >
      {label}
    </button>
  )

  return (
    <div className="search-panel" data-testid="search-panel" onKeyDown={onKeyDown}>
      <div className="search-inputs">
        <input
          autoFocus
          className="search-query"
          data-testid="search-input"
          placeholder={literal ? 'Search exact text' : 'Search code (words, identifiers, questions)'}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          spellCheck={false}
          aria-controls="search-results"
        />
        <div className="search-options">
          <select
            aria-label="Search mode"
            data-testid="search-mode"
            value={mode}
            onChange={(e) => setMode(e.target.value as Mode)}
          >
            <option value="hybrid">Hybrid</option>
            <option value="fts">Full text</option>
            <option value="vector">Semantic</option>
            <option value="literal">Literal</option>
          </select>
          {literal && (
            <>
              {toggle('Aa', 'Match case', caseSensitive, setCaseSensitive, 'search-case')}
              {toggle('ab', 'Match whole word', wholeWord, setWholeWord, 'search-word')}
              {toggle('.*', 'Use regular expression', regex, setRegex, 'search-regex')}
            </>
          )}
        </div>
        <div className="search-options">
          <input
            className="search-glob"
            placeholder="files to include, e.g. src/**/*.ts"
            value={glob}
            onChange={(e) => setGlob(e.target.value)}
            spellCheck={false}
            aria-label="Files to include"
            data-testid="search-include"
          />
          {literal && (
            <input
              className="search-glob"
              placeholder="files to exclude"
              value={exclude}
              onChange={(e) => setExclude(e.target.value)}
              spellCheck={false}
              aria-label="Files to exclude"
              data-testid="search-exclude"
            />
          )}
        </div>
        {literal && <ReplaceBar api={api} search={literalArgs} onDone={() => setRun((n) => n + 1)} />}
      </div>
      {literal && lit.kind === 'error' && <div className="search-note error">{lit.message}</div>}
      {literal && (lit.kind === 'searching' || lit.kind === 'done') && (
        <div className="search-summary" data-testid="search-summary">
          {lit.kind === 'searching'
            ? `Searching… ${rows.length} lines in ${litFiles.length} files so far`
            : lit.summary.matches === 0
              ? `No results (${lit.summary.searched} files searched)`
              : `${lit.summary.matches} results in ${lit.summary.fileCount} files${lit.summary.truncated ? ' (stopped at the limit)' : ''}`}{' '}
          {lit.kind === 'done' && `· ${lit.summary.ms} ms`}
        </div>
      )}
      {!literal && state.kind === 'searching' && <div className="search-note">Searching…</div>}
      {!literal && state.kind === 'error' && <div className="search-note error">{state.message}</div>}
      {!literal && state.kind === 'done' && state.response.notice && (
        <div className="search-note warning" data-testid="search-notice">
          {state.response.notice}
        </div>
      )}
      {!literal && state.kind === 'done' && (
        <div className="search-summary">
          {hits.length === 0
            ? 'No results'
            : state.response.weak
              ? `No good match: the ${hits.length} closest results, in ${groups.length} files`
              : `${hits.length} results in ${groups.length} files`}{' '}
          · {state.response.ms} ms
        </div>
      )}
      <div className="search-results" id="search-results" role="listbox" ref={listRef}>
        {literal && (
          <LiteralResults
            files={litFiles}
            selected={selected}
            onSelect={setSelected}
            onOpen={(r) => onOpen(r.path, r.line, r.column)}
          />
        )}
        {!literal &&
          groups.map(([path, items]) => (
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
