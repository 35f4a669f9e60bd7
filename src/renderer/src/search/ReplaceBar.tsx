import { useEffect, useState } from 'react'
import type { HearthApi, ResultOf } from '@shared/contract'
import type { LiteralArgs } from './useLiteralSearch'

type Preview = ResultOf<'search.replacePreview'>
type ReplaceArgs = Omit<LiteralArgs, 'include' | 'exclude'> & {
  replacement: string
  include?: string
  exclude?: string
}

interface Props {
  api: HearthApi
  /** The search the replace applies to (null: nothing to replace yet). */
  search: LiteralArgs | null
  /** After a replace or its undo: search again so the results show the files as they are now. */
  onDone: () => void
}

type Status =
  | { kind: 'none' }
  | { kind: 'busy'; what: string }
  | {
      kind: 'done'
      message: string
      undoId?: string
      undoNote?: string
      refused: { path: string; message: string }[]
    }
  | { kind: 'error'; message: string }

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`

/**
 * The replace row of literal search: the replacement, a preview of every match (each can be left
 * out), Replace All (the preview's choices, or every match when no preview is open) and one Undo.
 * Files changed since the preview are refused by the core and listed here.
 */
export function ReplaceBar({ api, search, onDone }: Props) {
  const [replacement, setReplacement] = useState('')
  // The preview with the search and replacement it was made for: a preview of another search
  // must never be shown or applied (its match numbers mean other text).
  const [made, setMade] = useState<{ key: string; preview: Preview } | null>(null)
  const [skipped, setSkipped] = useState<ReadonlySet<string>>(new Set())
  const [status, setStatus] = useState<Status>({ kind: 'none' })
  const key = JSON.stringify([search, replacement])
  const preview = made && made.key === key ? made.preview : null
  const setPreview = (p: Preview | null, forKey = key): void => {
    setMade(p ? { key: forKey, preview: p } : null)
    setSkipped(new Set())
  }
  // Query, toggles, globs or replacement changed: the old preview and its unticked matches go.
  useEffect(() => {
    setMade(null)
    setSkipped(new Set())
  }, [key])

  const args = (): ReplaceArgs | null => {
    if (!search) return null
    const { include, exclude, ...rest } = search
    return {
      ...rest,
      replacement,
      ...(include.trim() ? { include } : {}),
      ...(exclude.trim() ? { exclude } : {}),
    }
  }
  const fail = (err: unknown): void =>
    setStatus({ kind: 'error', message: err instanceof Error ? err.message : String(err) })

  const showPreview = async (): Promise<Preview | null> => {
    const a = args()
    if (!a) return null
    const forKey = key
    setStatus({ kind: 'busy', what: 'Preparing the preview…' })
    try {
      const p = await api.call('search.replacePreview', a)
      // Kept under the key it was asked for: if the search changed meanwhile it is never shown.
      setPreview(p, forKey)
      setStatus({ kind: 'none' })
      return p
    } catch (err) {
      fail(err)
      return null
    }
  }

  const replaceAll = async (): Promise<void> => {
    const a = args()
    const p = preview ?? (await showPreview())
    if (!a || !p) return
    if (p.truncated) {
      setStatus({
        kind: 'error',
        message:
          'Too many matches to replace them all safely: narrow the search (a more exact query, or include/exclude globs) and preview again.',
      })
      return
    }
    setStatus({ kind: 'busy', what: 'Replacing…' })
    try {
      const files = p.files
        .map((f) => ({
          path: f.path,
          version: f.version,
          accept: f.matches.filter((m) => !skipped.has(`${f.path}#${m.index}`)).map((m) => m.index),
        }))
        .filter((f) => f.accept.length > 0)
      const r = await api.call('search.replaceApply', { ...a, previewId: p.previewId, files })
      const n = r.changed.reduce((s, c) => s + c.replaced, 0)
      setPreview(null)
      setStatus({
        kind: 'done',
        message: `Replaced ${plural(n, 'occurrence')} in ${plural(r.changed.length, 'file')}.`,
        ...(r.undoId ? { undoId: r.undoId } : {}),
        ...(r.undoNote ? { undoNote: r.undoNote } : {}),
        refused: r.refused,
      })
      onDone()
    } catch (err) {
      fail(err)
    }
  }

  const undo = async (undoId: string): Promise<void> => {
    setStatus({ kind: 'busy', what: 'Undoing…' })
    try {
      const r = await api.call('search.replaceUndo', { undoId })
      setStatus({
        kind: 'done',
        message: `Restored ${plural(r.restored.length, 'file')}.`,
        refused: r.refused,
      })
      onDone()
    } catch (err) {
      fail(err)
    }
  }

  const toggle = (key: string): void =>
    setSkipped((s) => {
      const next = new Set(s)
      if (next.has(key)) next.delete(key)
      else next.add(key)
      return next
    })

  return (
    <div className="replace-bar">
      <div className="replace-row">
        <input
          className="search-glob"
          data-testid="replace-input"
          placeholder="Replace"
          aria-label="Replace"
          value={replacement}
          spellCheck={false}
          onChange={(e) => setReplacement(e.target.value)}
        />
        <button
          type="button"
          data-testid="replace-preview"
          disabled={!search}
          onClick={() => void showPreview()}
        >
          Preview
        </button>
        <button
          type="button"
          data-testid="replace-all"
          disabled={!search || preview?.truncated === true}
          onClick={() => void replaceAll()}
        >
          Replace All
        </button>
      </div>
      {status.kind === 'busy' && <div className="search-note">{status.what}</div>}
      {status.kind === 'error' && <div className="search-note error">{status.message}</div>}
      {status.kind === 'done' && (
        <div className="search-note" data-testid="replace-status">
          {status.message}{' '}
          {status.undoId && (
            <button
              type="button"
              data-testid="replace-undo"
              onClick={() => void undo(status.undoId as string)}
            >
              Undo
            </button>
          )}
          {status.undoNote && <div className="replace-refused">{status.undoNote}</div>}
          {status.refused.map((r) => (
            <div key={r.path} className="replace-refused">
              {r.message}
            </div>
          ))}
        </div>
      )}
      {preview && (
        <div className="replace-preview" data-testid="replace-preview-list">
          {preview.files.length === 0 && <div className="search-note">Nothing to replace.</div>}
          {preview.truncated && (
            <div className="search-note error" data-testid="replace-truncated">
              Truncated: too many matches to replace them all. Narrow the search (a more exact query, or
              include/exclude globs) to replace.
            </div>
          )}
          {preview.files.map((f) => (
            <div key={f.path} className="search-file">
              <div className="search-file-header" title={f.path}>
                <span className="search-file-name">{f.path}</span>
                <span className="search-file-count">{f.matches.length}</span>
              </div>
              {f.matches.map((m) => {
                const key = `${f.path}#${m.index}`
                return (
                  <label key={key} className="search-line replace-line">
                    <input type="checkbox" checked={!skipped.has(key)} onChange={() => toggle(key)} />
                    <span className="search-line-no">{m.line}</span>
                    <code>
                      {m.text.slice(0, m.range[0])}
                      <del>{m.text.slice(m.range[0], m.range[1])}</del>
                      <ins>{m.replacement}</ins>
                      {m.text.slice(m.range[1])}
                    </code>
                  </label>
                )
              })}
            </div>
          ))}
        </div>
      )}
    </div>
  )
}
