import { useCallback, useEffect, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { WatcherStatus, WorkspaceInfo } from '@shared/contract/workspace'
import { ConfirmClose } from '../dialogs/ConfirmClose'
import { EditorStore } from '../documents/editorStore'
import type { CursorInfo } from '../editor/cursorInfo'
import { EditorArea } from '../editor/EditorArea'
import type { CommandId } from '../keyboard/keybindings'
import { keyLabel } from '../keyboard/keybindings'
import { isMac, useShortcuts } from '../keyboard/useShortcuts'
import { loadMonaco } from '../monaco/loadMonaco'
import { monacoBuffers } from '../monaco/monacoBuffers'
import { useMonaco } from '../monaco/useMonaco'
import { QuickOpen } from '../quickopen/QuickOpen'
import { StatusBar } from '../status/StatusBar'
import { TabBar } from '../tabs/TabBar'
import type { ConnectionState } from '../transport/connectionState'
import { ObservableValue } from '../util/observableValue'
import { useObservable } from '../util/useObservable'
import { ActivityBar } from './ActivityBar'
import type { FilePosition } from './contributionTypes'
import { sidebarPanels } from './contributions'
import { useSidebarWidth } from './useSidebarWidth'

interface Props {
  api: HearthApi
  info: WorkspaceInfo
  connection: ConnectionState
  /** Increments each time the connection comes back after a drop. */
  reconnects: number
  onOpenFolder: () => void
  /** Told how many open files have unsaved changes (the App warns before switching folders). */
  onUnsavedChange?: (count: number) => void
  /** Handed the workbench's "save every unsaved file" (the folder switch offers it). */
  onSaveAllReady?: (saveAll: (() => Promise<string[]>) | undefined) => void
}

/** The editor window for one open folder: activity bar, sidebar, tabs + editor, status bar. */
export function Workbench({
  api,
  info,
  connection,
  reconnects,
  onOpenFolder,
  onUnsavedChange,
  onSaveAllReady,
}: Props) {
  // One store per workbench (the App remounts the workbench when another folder opens).
  const [store] = useState(() => new EditorStore(api, loadMonaco().then(monacoBuffers)))
  useEffect(() => () => store.dispose(), [store])
  const snapshot = useObservable(store.snapshot)
  const [cursor] = useState(() => new ObservableValue<CursorInfo | undefined>(undefined))
  const { monaco, error: monacoError } = useMonaco()
  const [sidebar, setSidebar] = useState({ visible: true, panel: sidebarPanels[0]?.id ?? 'explorer' })
  const [quickOpen, setQuickOpen] = useState(false)
  const [confirmClose, setConfirmClose] = useState<string | undefined>()
  const [watcher, setWatcher] = useState<WatcherStatus | undefined>(info.watcher)
  const { width, onPointerDown } = useSidebarWidth()

  useEffect(() => {
    const offChanged = api.on('file.changed', (c) => void store.fileChanged(c))
    const offWatcher = api.on('workspace.watcher', setWatcher)
    return () => {
      offChanged()
      offWatcher()
    }
  }, [api, store])

  useEffect(() => {
    if (reconnects > 0) void store.resync()
  }, [reconnects, store])

  // Closing the browser tab with unsaved changes asks first.
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent): void => {
      if (store.snapshot.get().docs.some((d) => d.dirty)) e.preventDefault()
    }
    window.addEventListener('beforeunload', onBeforeUnload)
    return () => window.removeEventListener('beforeunload', onBeforeUnload)
  }, [store])

  const unsaved = snapshot.docs.filter((d) => d.dirty).length
  useEffect(() => onUnsavedChange?.(unsaved), [unsaved, onUnsavedChange])
  useEffect(() => {
    onSaveAllReady?.(() => store.saveAll())
    return () => onSaveAllReady?.(undefined)
  }, [store, onSaveAllReady])

  useEffect(() => {
    document.title = snapshot.active
      ? `${snapshot.active.split('/').pop()} — ${info.name} — Hearth`
      : `${info.name} — Hearth`
  }, [snapshot.active, info.name])

  const openFile = useCallback((path: string, at?: FilePosition) => store.open(path, at), [store])

  const requestClose = useCallback(
    (path: string) => {
      if (store.isDirty(path)) setConfirmClose(path)
      else store.close(path)
    },
    [store],
  )

  const showPanel = useCallback((panel: string) => setSidebar({ visible: true, panel }), [])

  const run = (command: CommandId): void => {
    const active = store.activePath
    switch (command) {
      case 'quickOpen':
        setQuickOpen((v) => !v)
        return
      case 'save':
        if (active) void store.save(active)
        return
      case 'closeTab':
        if (active) requestClose(active)
        return
      case 'nextTab':
        store.cycle(1)
        return
      case 'previousTab':
        store.cycle(-1)
        return
      case 'toggleSidebar':
        setSidebar((s) => ({ ...s, visible: !s.visible }))
        return
      case 'showExplorer':
        showPanel('explorer')
        return
      case 'showSearch':
        showPanel('search')
        return
      case 'showChat':
        showPanel('chat')
        return
      case 'openFolder':
        onOpenFolder()
        return
    }
  }
  useShortcuts(run)

  const activeDoc = snapshot.docs.find((d) => d.path === snapshot.active)
  const closing = confirmClose ? store.view(confirmClose) : undefined

  return (
    <div className="workbench" data-testid="workbench" data-workspace={info.root}>
      <div className="workbench-main">
        <ActivityBar
          panels={sidebarPanels}
          active={sidebar.visible ? sidebar.panel : undefined}
          onSelect={(id) => setSidebar((s) => ({ visible: !(s.visible && s.panel === id), panel: id }))}
          onOpenFolder={onOpenFolder}
        />
        <aside className="sidebar" data-testid="sidebar" hidden={!sidebar.visible} style={{ width }}>
          {sidebarPanels.map(({ id, component: Panel }) => (
            <div key={id} className="sidebar-panel" data-testid={`panel-${id}`} hidden={sidebar.panel !== id}>
              <Panel
                api={api}
                openFile={openFile}
                visible={sidebar.visible && sidebar.panel === id}
                activePath={snapshot.active}
              />
            </div>
          ))}
        </aside>
        {sidebar.visible && (
          <div className="sash" onPointerDown={onPointerDown} role="separator" aria-orientation="vertical" />
        )}
        <main className="editor-column">
          <TabBar snapshot={snapshot} onActivate={(p) => store.activate(p)} onClose={requestClose} />
          {monacoError ? (
            <div className="editor-message" role="alert">
              The editor failed to load: {monacoError}
            </div>
          ) : (
            <EditorArea
              api={api}
              monaco={monaco}
              store={store}
              snapshot={snapshot}
              cursor={cursor}
              emptyHint={`Open a file from the explorer, or press ${keyLabel('quickOpen', isMac)} to search by name.`}
            />
          )}
        </main>
      </div>
      <StatusBar
        api={api}
        monaco={monaco}
        doc={activeDoc}
        cursor={cursor}
        connection={connection}
        watcher={watcher}
        openPanel={showPanel}
      />
      {quickOpen && (
        <QuickOpen
          api={api}
          onClose={() => setQuickOpen(false)}
          onPick={(path) => {
            setQuickOpen(false)
            store.open(path)
          }}
        />
      )}
      {confirmClose && closing && (
        <ConfirmClose
          name={closing.name}
          onCancel={() => setConfirmClose(undefined)}
          onDiscard={() => {
            setConfirmClose(undefined)
            store.close(confirmClose)
          }}
          onSave={() => {
            setConfirmClose(undefined)
            void store.save(confirmClose).then((ok) => ok && store.close(confirmClose))
          }}
        />
      )}
    </div>
  )
}
