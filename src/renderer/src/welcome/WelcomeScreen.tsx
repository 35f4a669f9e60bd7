import { useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import type { HearthApi } from '@shared/contract'
import type { WorkspaceInfo } from '@shared/contract/workspace'

interface Props {
  /** Folder to propose (the desktop menu's choice, waiting for the user to confirm). */
  initialPath?: string
  api: HearthApi
  onOpened: (info: WorkspaceInfo) => void
  /** Present when a folder is already open (the screen is an overlay that can be dismissed). */
  onCancel?: () => void
  /** Open files with unsaved changes in the current folder: opening another one closes them. */
  unsavedCount?: number
  /** Saves them; resolves with the paths that could not be saved. */
  onSaveAll?: () => Promise<string[]>
}

/** No folder open (or "Open Folder…"): recent folders and a path field, both calling `workspace.open`. */
export function WelcomeScreen({ api, onOpened, onCancel, unsavedCount = 0, onSaveAll, initialPath }: Props) {
  const [recent, setRecent] = useState<string[] | undefined>()
  const [path, setPath] = useState(initialPath ?? '')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [saving, setSaving] = useState(false)

  const saveAll = (): void => {
    if (!onSaveAll) return
    setSaving(true)
    setError(undefined)
    onSaveAll().then(
      (failed) => {
        setSaving(false)
        if (failed.length > 0)
          setError(`Not saved: ${failed.join(', ')} (see the tab${failed.length > 1 ? 's' : ''} for why).`)
      },
      (err: unknown) => {
        setSaving(false)
        setError((err as Error).message)
      },
    )
  }

  useEffect(() => {
    api.call('workspace.recent', {}).then(setRecent, () => setRecent([]))
  }, [api])

  const open = (root: string): void => {
    const trimmed = root.trim()
    if (!trimmed) {
      setError('Type the path of a folder.')
      return
    }
    setBusy(true)
    setError(undefined)
    api.call('workspace.open', { root: trimmed }).then(
      (info) => {
        setBusy(false)
        onOpened(info)
      },
      (err: unknown) => {
        setBusy(false)
        setError((err as Error).message)
      },
    )
  }
  const submit = (e: FormEvent): void => {
    e.preventDefault()
    open(path)
  }

  return (
    <div className={onCancel ? 'overlay' : 'welcome-page'} onMouseDown={onCancel}>
      <div
        className="welcome"
        data-testid="welcome"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onCancel?.()}
      >
        <h1>Hearth</h1>
        <p className="welcome-tagline">A local-first code editor.</p>
        <h2>Open a folder</h2>
        <form className="open-folder" onSubmit={submit}>
          <input
            autoFocus
            data-testid="open-folder-input"
            placeholder="/path/to/project  (on the machine running Hearth)"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            spellCheck={false}
            disabled={busy}
          />
          <button type="submit" className="primary" data-testid="open-folder-submit" disabled={busy}>
            {busy ? 'Opening…' : 'Open'}
          </button>
          {onCancel && (
            <button type="button" onClick={onCancel} data-testid="open-folder-cancel">
              Cancel
            </button>
          )}
        </form>
        {unsavedCount > 0 && (
          <div className="form-warning" role="alert" data-testid="open-folder-unsaved">
            {unsavedCount === 1 ? '1 file has' : `${unsavedCount} files have`} unsaved changes: save them
            first, or they are closed without saving when another folder opens.
            {onSaveAll && (
              <button
                type="button"
                className="primary"
                data-testid="open-folder-save-all"
                onClick={saveAll}
                disabled={saving || busy}
              >
                {saving ? 'Saving…' : 'Save all'}
              </button>
            )}
          </div>
        )}
        {error && (
          <div className="form-error" role="alert" data-testid="open-folder-error">
            {error}
          </div>
        )}
        <h2>Recent</h2>
        {recent === undefined && <div className="muted">Loading…</div>}
        {recent?.length === 0 && <div className="muted">No recent folders.</div>}
        <ul className="recent-list">
          {recent?.map((dir) => (
            <li key={dir}>
              <button
                className="link"
                data-testid="recent-folder"
                title={dir}
                onClick={() => open(dir)}
                disabled={busy}
              >
                <span className="recent-name">{dir.split(/[\\/]/).filter(Boolean).pop() ?? dir}</span>
                <span className="recent-path">{dir}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  )
}
