import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react'
import type { KeyboardEvent } from 'react'
import type { HearthApi } from '@shared/contract'
import { createRanker, rankPaths } from './rankPaths'

interface Props {
  api: HearthApi
  onPick: (path: string) => void
  onClose: () => void
}

type FileList =
  | { kind: 'loading' }
  | { kind: 'ready'; paths: string[]; truncated: boolean }
  | { kind: 'error'; message: string }

/** Ctrl/Cmd+P: a fuzzy file finder over `workspace.files`. */
export function QuickOpen({ api, onPick, onClose }: Props) {
  const [files, setFiles] = useState<FileList>({ kind: 'loading' })
  const [query, setQuery] = useState('')
  const [index, setIndex] = useState(0)
  const deferred = useDeferredValue(query)
  const listRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const ctl = new AbortController()
    api.call('workspace.files', {}, { signal: ctl.signal }).then(
      (r) => setFiles({ kind: 'ready', paths: r.paths, truncated: r.truncated }),
      (err: unknown) => {
        if (!ctl.signal.aborted) setFiles({ kind: 'error', message: (err as Error).message })
      },
    )
    return () => ctl.abort()
  }, [api])

  const ranker = useMemo(() => (files.kind === 'ready' ? createRanker(files.paths) : undefined), [files])
  const hits = useMemo(() => ranker?.(deferred, 50) ?? [], [ranker, deferred])

  useEffect(() => setIndex(0), [deferred])
  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' })
  }, [index])

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'ArrowDown') setIndex((i) => Math.min(hits.length - 1, i + 1))
    else if (e.key === 'ArrowUp') setIndex((i) => Math.max(0, i - 1))
    else if (e.key === 'Enter') {
      // Typed faster than the list re-ranked: open the best match for what is typed now.
      const hit =
        deferred === query || files.kind !== 'ready' ? hits[index] : rankPaths(query, files.paths, 1)[0]
      if (hit) onPick(hit.path)
    } else if (e.key === 'Escape') onClose()
    else return
    e.preventDefault()
  }

  return (
    <div className="overlay" onMouseDown={onClose}>
      <div
        className="quick-open"
        data-testid="quickopen"
        role="dialog"
        aria-label="Go to file"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <input
          autoFocus
          className="quick-open-input"
          data-testid="quickopen-input"
          placeholder="Search files by name (fuzzy)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          spellCheck={false}
          aria-controls="quick-open-list"
        />
        <div className="quick-open-list" id="quick-open-list" role="listbox" ref={listRef}>
          {files.kind === 'loading' && <div className="quick-open-note">Listing files…</div>}
          {files.kind === 'error' && <div className="quick-open-note error">{files.message}</div>}
          {files.kind === 'ready' && hits.length === 0 && (
            <div className="quick-open-note">No matching files.</div>
          )}
          {hits.map((h, i) => (
            <div
              key={h.path}
              role="option"
              aria-selected={i === index}
              className="quick-open-item"
              data-testid="quickopen-item"
              data-path={h.path}
              onMouseMove={() => setIndex(i)}
              onClick={() => onPick(h.path)}
            >
              <Highlighted path={h.path} positions={h.positions} />
            </div>
          ))}
          {files.kind === 'ready' && files.truncated && (
            <div className="quick-open-note">
              Only the first {files.paths.length.toLocaleString()} files are searched.
            </div>
          )}
        </div>
      </div>
    </div>
  )
}

/** File name first, folder after (dimmed), matched characters in bold. */
function Highlighted({ path, positions }: { path: string; positions: number[] }) {
  const slash = path.lastIndexOf('/')
  const marks = new Set(positions)
  const render = (from: number, to: number) => {
    const out = []
    for (let i = from; i < to; i++) {
      const c = path[i]
      out.push(marks.has(i) ? <b key={i}>{c}</b> : c)
    }
    return out
  }
  return (
    <>
      <span className="quick-open-name">{render(slash + 1, path.length)}</span>
      {slash > 0 && <span className="quick-open-dir">{render(0, slash)}</span>}
    </>
  )
}
