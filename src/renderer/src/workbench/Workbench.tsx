import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { WatcherStatus, WorkspaceInfo } from '@shared/contract/workspace'
import { ConfirmClose } from '../dialogs/ConfirmClose'
import { EditorStore } from '../documents/editorStore'
import type { CursorInfo } from '../editor/cursorInfo'
import { EditorArea } from '../editor/EditorArea'
import { activeEditor } from '../commands/activeEditor'
import { commandRunner } from '../commands/commandRunner'
import { keybindingTable, keyLabel } from '../commands/registry'
import { useFocusReturn } from '../commands/useFocusReturn'
import type { PickItem, WorkbenchActions, WorkbenchContext } from '../commands/workbenchActions'
import { ShortcutsView } from '../keyboard/ShortcutsView'
import { editorOwnsChords } from '../keyboard/editorChords'
import { isMac, useShortcuts } from '../keyboard/useShortcuts'
import { loadMonaco } from '../monaco/loadMonaco'
import { monacoBuffers } from '../monaco/monacoBuffers'
import { setFileOpener } from '../monaco/fileOpener'
import { useMonaco } from '../monaco/useMonaco'
import { QuickOpen } from '../quickopen/QuickOpen'
import { QuickPick, type QuickPickRequest } from '../quickopen/QuickPick'
import { ScmDiffView } from '../scm/ScmDiffView'
import { userState } from '../session/userState'
import { useWorkbenchSession } from '../session/useWorkbenchSession'
import { StatusBar } from '../status/StatusBar'
import { TabBar } from '../tabs/TabBar'
import type { ConnectionState } from '../transport/connectionState'
import { ObservableValue } from '../util/observableValue'
import { useObservable } from '../util/useObservable'
import { ActivityBar } from './ActivityBar'
import { BottomPanelArea } from './BottomPanelArea'
import { usePanelVisible } from './bottomPanelState'
import type { FilePosition } from './contributionTypes'
import { bottomPanels, sidebarPanels } from './contributions'
import { clampSidebarWidth, useSidebarWidth } from './useSidebarWidth'

/** The command that shows each sidebar panel, for the activity bar's tooltips. */
const PANEL_COMMANDS: Record<string, string> = {
  explorer: 'view.showExplorer',
  search: 'view.showSearch',
  chat: 'view.showChat',
  perf: 'view.showPerformance',
  settings: 'workbench.openSettings',
}

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
  // The panel under the editor (terminals): shown or hidden as a whole (Ctrl+J).
  const [panelVisible, setPanelVisible] = usePanelVisible()
  // Quick open's text when it opened: '' for files, '>' for commands.
  const [quickOpen, setQuickOpen] = useState<string | undefined>()
  // Each opening is a fresh list (a command run from the palette may open quick open again).
  const [quickOpenSeq, setQuickOpenSeq] = useState(0)
  const [quickPick, setQuickPick] = useState<QuickPickRequest | undefined>()
  const [shortcutsOpen, setShortcutsOpen] = useState(false)
  const [confirmClose, setConfirmClose] = useState<string | undefined>()
  const [watcher, setWatcher] = useState<WatcherStatus | undefined>(info.watcher)
  const { width, setWidth, onPointerDown } = useSidebarWidth()
  const session = useWorkbenchSession({
    api,
    root: info.root,
    store,
    layout: {
      sidebarVisible: sidebar.visible,
      sidebarPanel: sidebar.panel,
      sidebarWidth: width,
      panelVisible,
    },
    applyLayout: (l) => {
      const known = sidebarPanels.some((p) => p.id === l.sidebarPanel)
      setSidebar((s) => ({
        visible: l.sidebarVisible ?? s.visible,
        panel: known && l.sidebarPanel ? l.sidebarPanel : s.panel,
      }))
      if (l.sidebarWidth) setWidth(clampSidebarWidth(l.sidebarWidth))
      if (l.panelVisible !== undefined) setPanelVisible(l.panelVisible && bottomPanels.length > 0)
    },
  })

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
  useEffect(() => setFileOpener(openFile), [openFile])

  const requestClose = useCallback(
    (path: string) => {
      if (store.isDirty(path)) setConfirmClose(path)
      else store.close(path)
    },
    [store],
  )

  const showPanel = useCallback((panel: string) => setSidebar({ visible: true, panel }), [])

  const focusEditor = useCallback(() => {
    if (store.activePath) activeEditor()?.focus()
  }, [store])

  const focus = useFocusReturn(focusEditor)
  const rememberFocus = focus.remember
  const restoreFocus = focus.restore

  const actions: WorkbenchActions = {
    quickOpen: (prefix = '') => {
      rememberFocus()
      setQuickOpenSeq((n) => n + 1)
      setQuickOpen((v) => (v === prefix ? undefined : prefix))
    },
    openFolder: onOpenFolder,
    save: () => {
      if (store.activePath) void store.save(store.activePath)
    },
    saveAll: () => void store.saveAll(),
    closeActive: () => {
      if (store.activePath) requestClose(store.activePath)
    },
    closeAll: () => {
      // Clean tabs close at once; each unsaved one stays and asks, as Close Editor does.
      for (const d of store.snapshot.get().docs) if (!d.dirty) store.close(d.path)
      const dirty = store.snapshot.get().docs.find((d) => d.dirty)
      if (dirty) requestClose(dirty.path)
    },
    cycleTab: (step) => store.cycle(step),
    toggleSidebar: () => setSidebar((s) => ({ ...s, visible: !s.visible })),
    togglePanel: () => setPanelVisible((v) => !v),
    hasBottomPanel: () => bottomPanels.length > 0,
    showKeyboardShortcuts: () => {
      rememberFocus()
      setQuickOpen(undefined)
      setShortcutsOpen(true)
    },
    pick: <T extends PickItem>(items: readonly T[], placeholder: string) =>
      new Promise<T | undefined>((resolve) => {
        rememberFocus()
        setQuickPick({
          kind: 'pick',
          items,
          placeholder,
          resolve: (item) => resolve(item as T | undefined),
        })
      }),
    showInfo: (title, lines) => {
      rememberFocus()
      setQuickPick({ kind: 'info', title, lines })
    },
    focusEditor,
  }

  const context = (source: 'key' | 'palette'): WorkbenchContext => ({
    api,
    openFile,
    showPanel,
    activePath: store.activePath,
    editor: activeEditor(),
    source,
    focused: source === 'palette' ? focus.before.current : document.activeElement,
    workbench: actions,
  })

  const commands = commandRunner(context, (title, lines) => actions.showInfo(title, lines))
  const runCommand = commands.run

  const table = useMemo(() => keybindingTable(), [])
  useShortcuts(table, runCommand)
  const runRef = useRef(runCommand)
  runRef.current = runCommand
  useEffect(() => {
    if (!monaco) return
    const owned = editorOwnsChords(monaco, table, (id) => runRef.current(id), isMac)
    return () => owned.dispose()
  }, [monaco, table])

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
          keyHint={(id) => keyLabel(PANEL_COMMANDS[id] ?? '', isMac)}
          openFolderKey={keyLabel('file.openFolder', isMac)}
        />
        <aside className="sidebar" data-testid="sidebar" hidden={!sidebar.visible} style={{ width }}>
          {sidebarPanels.map(({ id, component: Panel }) => (
            <div key={id} className="sidebar-panel" data-testid={`panel-${id}`} hidden={sidebar.panel !== id}>
              <Panel
                api={api}
                openFile={openFile}
                visible={sidebar.visible && sidebar.panel === id}
                activePath={snapshot.active}
                showPanel={showPanel}
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
              emptyHint={`Open a file from the explorer, press ${keyLabel('workbench.quickOpen', isMac)} to search by name, or ${keyLabel('workbench.showCommands', isMac)} for all commands.`}
            />
          )}
          <ScmDiffView api={api} activePath={snapshot.active} openFile={openFile} />
          <BottomPanelArea api={api} openFile={openFile} activePath={snapshot.active} />
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
      {quickOpen !== undefined && (
        <QuickOpen
          key={quickOpenSeq}
          api={api}
          initialValue={quickOpen}
          recentFiles={session.get().recentFiles}
          activePath={snapshot.active}
          commands={commands.paletteEntries}
          recentCommands={userState.get().recentCommands}
          onClose={() => {
            setQuickOpen(undefined)
            restoreFocus()
          }}
          onPick={(path) => {
            setQuickOpen(undefined)
            store.open(path)
          }}
          onRun={(entry) => {
            setQuickOpen(undefined)
            // Focus goes back first, so a command that moves it (a rename box, a terminal) keeps it.
            restoreFocus()
            entry.run()
          }}
        />
      )}
      {quickPick && (
        <QuickPick
          key={quickPick.kind === 'pick' ? quickPick.placeholder : quickPick.title}
          request={quickPick}
          onClose={() => {
            setQuickPick(undefined)
            restoreFocus()
          }}
        />
      )}
      {shortcutsOpen && (
        <ShortcutsView
          rows={commands.shortcutRows()}
          isMac={isMac}
          onClose={() => {
            setShortcutsOpen(false)
            restoreFocus()
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
