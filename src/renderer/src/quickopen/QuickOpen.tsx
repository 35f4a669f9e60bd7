import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import type { HearthApi } from '@shared/contract'
import { rankCommands, type PaletteEntry } from './commandItems'
import { PickerDialog, useListNavigation } from './PickerDialog'
import { createRanker, rankPaths } from './rankPaths'
import { filesWithRecentFirst, type FileHit } from './recentFiles'
import './palette.css'

interface Props {
  api: HearthApi
  /** '' for files, '>' for commands (Ctrl+Shift+P), as VS Code's quick open. */
  initialValue: string
  /** Files opened in this folder, most recent first. */
  recentFiles: readonly string[]
  activePath: string | undefined
  /** The palette's commands, built when it opens (what is enabled now). */
  commands: () => PaletteEntry[]
  recentCommands: readonly string[]
  onPick: (path: string) => void
  onRun: (entry: PaletteEntry) => void
  onClose: () => void
}

type FileList =
  | { kind: 'loading' }
  | { kind: 'ready'; paths: string[]; truncated: boolean }
  | { kind: 'error'; message: string }

const LIMIT = 50

/**
 * Ctrl/Cmd+P: a fuzzy file finder over `workspace.files`, recently opened files first; a leading
 * '>' turns it into the command palette (Ctrl+Shift+P, F1), as in VS Code.
 */
export function QuickOpen(props: Props) {
  const { api, onClose } = props
  const [query, setQuery] = useState(props.initialValue)
  const commandMode = query.startsWith('>')
  const [files, setFiles] = useState<FileList>({ kind: 'loading' })
  const [wantFiles, setWantFiles] = useState(!commandMode)
  const deferred = useDeferredValue(query)
  const listRef = useRef<HTMLDivElement>(null)
  const [entries] = useState(props.commands)

  useEffect(() => {
    if (!commandMode) setWantFiles(true)
  }, [commandMode])

  useEffect(() => {
    if (!wantFiles) return
    const ctl = new AbortController()
    api.call('workspace.files', {}, { signal: ctl.signal }).then(
      (r) => setFiles({ kind: 'ready', paths: r.paths, truncated: r.truncated }),
      (err: unknown) => {
        if (!ctl.signal.aborted) setFiles({ kind: 'error', message: (err as Error).message })
      },
    )
    return () => ctl.abort()
  }, [api, wantFiles])

  const ranker = useMemo(() => (files.kind === 'ready' ? createRanker(files.paths) : undefined), [files])
  const fileHits = useMemo((): FileHit[] => {
    if (deferred.startsWith('>') || files.kind !== 'ready') return []
    if (deferred.trim() === '')
      return filesWithRecentFirst(files.paths, props.recentFiles, files.truncated, LIMIT)
    return (ranker?.(deferred, LIMIT) ?? []).map((h) => ({ ...h, recent: false }))
  }, [ranker, deferred, files, props.recentFiles])
  const commandHits = useMemo(
    () => (deferred.startsWith('>') ? rankCommands(deferred.slice(1), entries, props.recentCommands) : []),
    [deferred, entries, props.recentCommands],
  )
  const count = commandMode ? commandHits.length : fileHits.length
  const { index, setIndex, onKeyDown } = useListNavigation(count, (i) => accept(i), { wrap: true })

  // With nothing typed the active file tops the recent list: start on the one before it, so
  // Ctrl+P Enter goes back to the previous file as in VS Code.
  const firstIsActive =
    !deferred.startsWith('>') && deferred.trim() === '' && fileHits[0]?.path === props.activePath
  useEffect(
    () => setIndex(firstIsActive && fileHits.length > 1 ? 1 : 0),
    [deferred, firstIsActive, fileHits.length],
  )
  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' })
  }, [index])

  const accept = (i: number): void => {
    if (commandMode) {
      const hit =
        deferred === query ? commandHits[i] : rankCommands(query.slice(1), entries, props.recentCommands)[0]
      if (hit) props.onRun(hit.entry)
      return
    }
    // Typed faster than the list re-ranked: open the best match for what is typed now.
    const path =
      deferred === query || files.kind !== 'ready'
        ? fileHits[i]?.path
        : rankPaths(query, files.paths, 1)[0]?.path
    if (path) props.onPick(path)
  }

  return (
    <PickerDialog
      testId="quickopen"
      data-mode={commandMode ? 'commands' : 'files'}
      label={commandMode ? 'Command palette' : 'Go to file'}
      onClose={onClose}
    >
      <input
        autoFocus
        className="quick-open-input"
        data-testid="quickopen-input"
        placeholder={commandMode ? 'Type a command name' : 'Search files by name (fuzzy), or > for commands'}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
        spellCheck={false}
        role="combobox"
        aria-expanded="true"
        aria-controls="quick-open-list"
        aria-activedescendant={count > 0 ? `quick-open-item-${index}` : undefined}
      />
      <div className="quick-open-list" id="quick-open-list" role="listbox" ref={listRef}>
        {commandMode ? (
          <>
            {commandHits.length === 0 && <div className="quick-open-note">No matching commands.</div>}
            {commandHits.map((h, i) => (
              <Row
                key={h.entry.id}
                index={i}
                selected={i === index}
                onHover={setIndex}
                onClick={() => accept(i)}
                group={groupLabel(commandHits, i, 'recently used', 'other commands')}
                testId="palette-item"
                data={{ 'data-command': h.entry.id }}
              >
                <span className="quick-open-name">
                  {marked(h.entry.label, h.positions, 0, h.entry.label.length)}
                </span>
                {h.entry.keys && <kbd className="palette-keys">{h.entry.keys}</kbd>}
              </Row>
            ))}
          </>
        ) : (
          <>
            {files.kind === 'loading' && <div className="quick-open-note">Listing files…</div>}
            {files.kind === 'error' && <div className="quick-open-note error">{files.message}</div>}
            {files.kind === 'ready' && fileHits.length === 0 && (
              <div className="quick-open-note">No matching files.</div>
            )}
            {fileHits.map((h, i) => (
              <Row
                key={h.path}
                index={i}
                selected={i === index}
                onHover={setIndex}
                onClick={() => accept(i)}
                group={groupLabel(fileHits, i, 'recently opened', 'files')}
                testId="quickopen-item"
                data={{ 'data-path': h.path, 'data-recent': String(h.recent) }}
              >
                <PathLabel path={h.path} positions={h.positions} />
              </Row>
            ))}
            {files.kind === 'ready' && files.truncated && (
              <div className="quick-open-note">
                Only the first {files.paths.length.toLocaleString()} files are searched.
              </div>
            )}
          </>
        )}
      </div>
    </PickerDialog>
  )
}

/** The group heading shown on a row: where the recent group starts, and where it gives way to the rest. */
function groupLabel(
  hits: readonly { recent: boolean }[],
  i: number,
  recent: string,
  rest: string,
): string | undefined {
  const h = hits[i]
  if (!h) return undefined
  if (i === 0) return h.recent ? recent : undefined
  return !h.recent && hits[i - 1]?.recent ? rest : undefined
}

function Row(props: {
  index: number
  selected: boolean
  onHover: (i: number) => void
  onClick: () => void
  group: string | undefined
  testId: string
  data: Record<string, string>
  children: ReactNode
}) {
  return (
    <div
      id={`quick-open-item-${props.index}`}
      role="option"
      aria-selected={props.selected}
      className={`quick-open-item${props.group ? ' grouped' : ''}`}
      data-testid={props.testId}
      {...props.data}
      onMouseMove={() => props.onHover(props.index)}
      onClick={props.onClick}
    >
      {props.children}
      {props.group && <span className="quick-open-group">{props.group}</span>}
    </div>
  )
}

function marked(text: string, positions: readonly number[], from: number, to: number): ReactNode[] {
  const marks = new Set(positions)
  const out: ReactNode[] = []
  for (let i = from; i < to; i++) {
    const c = text[i]
    out.push(marks.has(i) ? <b key={i}>{c}</b> : c)
  }
  return out
}

/** File name first, folder after (dimmed), matched characters in bold. */
function PathLabel({ path, positions }: { path: string; positions: number[] }) {
  const slash = path.lastIndexOf('/')
  return (
    <>
      <span className="quick-open-name">{marked(path, positions, slash + 1, path.length)}</span>
      {slash > 0 && <span className="quick-open-dir">{marked(path, positions, 0, slash)}</span>}
    </>
  )
}
