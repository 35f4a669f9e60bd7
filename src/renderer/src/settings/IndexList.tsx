import { useCallback, useEffect, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { IndexEntry, IndexList as IndexListData } from '@shared/contract/indexes'
import { formatBytes } from '@shared/format'

export type IndexesApi = Pick<HearthApi, 'call'>

/** "today", "yesterday", "12 days ago"; a date from before the record was kept gets a "?". */
export function lastUse(e: IndexEntry, now = Date.now()): string {
  if (e.lastUsedAt === null) return 'never'
  const days = Math.floor((now - e.lastUsedAt) / 86_400_000)
  const text = days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`
  return e.lastUsedKnown === 'estimated' ? `${text}?` : text
}

/**
 * The indexes on this machine (one per folder ever opened): folder, size, files, last use, and a
 * remove button that asks first. One in use (this window's folder, another Hearth) is refused by
 * the core with a sentence, shown here.
 */
export function IndexList({ api }: { api: IndexesApi }) {
  const [data, setData] = useState<IndexListData>()
  const [error, setError] = useState<string>()
  const [asking, setAsking] = useState<string>()
  const [busy, setBusy] = useState(false)
  const refresh = useCallback(() => {
    api.call('indexes.list', {}).then(
      (d) => setData(d),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    )
  }, [api])
  useEffect(refresh, [refresh])
  const remove = (id: string): void => {
    setBusy(true)
    setError(undefined)
    api
      .call('indexes.remove', { id })
      .then(
        () => setAsking(undefined),
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      )
      .finally(() => {
        setBusy(false)
        refresh()
      })
  }
  if (!data) return error ? <div className="settings-error">{error}</div> : null
  return (
    <div data-testid="index-list">
      <div className="settings-row settings-muted">
        {data.indexes.length === 0
          ? 'No indexes yet.'
          : `${data.indexes.length} ${data.indexes.length === 1 ? 'index' : 'indexes'}, ${formatBytes(data.totalBytes)} in ${data.dir}`}
      </div>
      {error && (
        <div className="settings-error" role="alert">
          {error}
        </div>
      )}
      {data.indexes.length > 0 && (
        <table className="settings-table">
          <thead>
            <tr>
              <th>Folder</th>
              <th>Size</th>
              <th>Files</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.indexes.map((e) => (
              <tr key={e.id} data-testid={`index-row-${e.id}`}>
                <td title={e.dir}>
                  {e.folder ?? <span className="settings-muted">unknown folder ({e.id})</span>}
                  {e.folder !== null && !e.folderExists && (
                    <span className="settings-muted"> (folder gone)</span>
                  )}
                  {e.inUse && (
                    <span className="settings-muted">
                      {e.inUse.self ? ' (open now)' : ` (in use by pid ${e.inUse.pid})`}
                    </span>
                  )}
                </td>
                <td>{formatBytes(e.bytes)}</td>
                <td>{e.files ?? '?'}</td>
                <td>{lastUse(e)}</td>
                <td>
                  {asking === e.id ? (
                    <>
                      <button type="button" disabled={busy} onClick={() => remove(e.id)}>
                        Remove {formatBytes(e.bytes)}
                      </button>{' '}
                      <button type="button" disabled={busy} onClick={() => setAsking(undefined)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      disabled={busy}
                      title="Delete this index; the folder is indexed again the next time it is opened"
                      onClick={() => setAsking(e.id)}
                    >
                      Remove…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
