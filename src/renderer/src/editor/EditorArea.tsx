import type { HearthApi } from '@shared/contract'
import type { EditorStore } from '../documents/editorStore'
import type { EditorSnapshot } from '../documents/docView'
import type { Monaco } from '../monaco/monacoSetup'
import type { ObservableValue } from '../util/observableValue'
import type { CursorInfo } from './cursorInfo'
import { DiffHost } from './DiffHost'
import { DocBanner } from './DocBanner'
import { EditorHost } from './EditorHost'
import { EditorMessage } from './EditorMessage'

interface Props {
  api: HearthApi
  monaco: Monaco | undefined
  store: EditorStore
  snapshot: EditorSnapshot
  cursor: ObservableValue<CursorInfo | undefined>
  emptyHint: string
}

/** Banner + editor (or diff, or a message) for the active tab. */
export function EditorArea({ api, monaco, store, snapshot, cursor, emptyHint }: Props) {
  const doc = snapshot.docs.find((d) => d.path === snapshot.active)
  const ready = doc?.status === 'ready'
  const loading = doc?.status === 'loading' || (ready && !monaco)
  const path = doc?.path ?? ''
  const actions = {
    compare: () => void store.compare(path),
    overwrite: () => void store.overwrite(path),
    reload: () => void store.reload(path),
    dismiss: () => store.dismissBanner(path),
    closeCompare: () => store.closeCompare(path),
  }
  return (
    <div className="editor-area" data-testid="editor-area" data-active-path={doc?.path ?? ''}>
      {doc && ready && <DocBanner doc={doc} actions={actions} />}
      {doc && ready && doc.readOnly && (
        <div className="doc-banner info" data-testid="readonly-banner">
          Read-only: {doc.readOnlyReason ?? 'this file cannot be written.'}
        </div>
      )}
      <div className="editor-stack">
        {monaco && (
          <EditorHost
            monaco={monaco}
            api={api}
            doc={ready ? doc : undefined}
            hidden={!ready || !!doc.compare}
            cursor={cursor}
          />
        )}
        {monaco && doc && ready && doc.compare && (
          <DiffHost monaco={monaco} path={doc.path} diskText={doc.compare.diskText} readOnly={doc.readOnly} />
        )}
        {doc?.status === 'refused' && doc.error && (
          <EditorMessage code={doc.error.code} message={doc.error.message} />
        )}
        {loading && (
          <div className="editor-loading" data-testid="editor-loading">
            Opening {doc?.name}…
          </div>
        )}
        {!doc && (
          <div className="editor-empty" data-testid="editor-empty">
            <div className="editor-empty-logo">Hearth</div>
            <div>{emptyHint}</div>
          </div>
        )}
      </div>
    </div>
  )
}
