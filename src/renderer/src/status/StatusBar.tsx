import type { HearthApi } from '@shared/contract'
import type { WatcherStatus } from '@shared/contract/workspace'
import type { CursorInfo } from '../editor/cursorInfo'
import type { DocView } from '../documents/docView'
import { languageLabel } from '../monaco/languageForPath'
import type { Monaco } from '../monaco/monacoSetup'
import type { ConnectionState } from '../transport/connectionState'
import type { ObservableValue } from '../util/observableValue'
import { useObservable } from '../util/useObservable'
import { statusItems } from '../workbench/contributions'

interface Props {
  api: HearthApi
  monaco: Monaco | undefined
  doc: DocView | undefined
  cursor: ObservableValue<CursorInfo | undefined>
  connection: ConnectionState
  watcher: WatcherStatus | undefined
  openPanel: (id: string) => void
}

/**
 * Left: connection and watcher state, then contributed items. Right: cursor, encoding, line
 * ends, language, then the fixed slots other features fill (index state, model state).
 */
export function StatusBar({ api, monaco, doc, cursor, connection, watcher, openPanel }: Props) {
  const pos = useObservable(cursor)
  const ready = doc?.status === 'ready'
  const slot = (side: 'left' | 'right') =>
    statusItems
      .filter((s) => s.side === side)
      .map(({ id, component: Item }) => (
        <div key={id} className="status-item" data-testid={`status-slot-${id}`}>
          <Item api={api} openPanel={openPanel} />
        </div>
      ))
  return (
    <footer className={`statusbar ${connection.kind === 'open' ? '' : 'offline'}`} data-testid="statusbar">
      <div className="status-side">
        {connection.kind !== 'open' && (
          <div className="status-item" data-testid="status-connection">
            {connection.kind === 'connecting' ? 'Connecting…' : 'Disconnected'}
          </div>
        )}
        {watcher?.status === 'degraded' && (
          <div className="status-item warning" data-testid="status-watcher" title={watcher.reason}>
            ⚠ Not watching all files
          </div>
        )}
        {slot('left')}
      </div>
      <div className="status-side">
        {ready && pos && (
          <div className="status-item" data-testid="status-position">
            Ln {pos.line}, Col {pos.column}
            {pos.selected > 0 && ` (${pos.selected} selected)`}
          </div>
        )}
        {ready && doc.encoding && (
          <div className="status-item" data-testid="status-encoding">
            {doc.encoding === 'utf8bom' ? 'UTF-8 with BOM' : 'UTF-8'}
          </div>
        )}
        {ready && doc.eol && (
          <div className="status-item" data-testid="status-eol">
            {doc.eol === '\r\n' ? 'CRLF' : 'LF'}
          </div>
        )}
        {ready && doc.language && (
          <div className="status-item" data-testid="status-language">
            {monaco ? languageLabel(doc.language, monaco.languages.getLanguages()) : doc.language}
          </div>
        )}
        {slot('right')}
      </div>
    </footer>
  )
}
