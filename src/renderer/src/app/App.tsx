import { useCallback, useEffect, useRef, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { WorkspaceInfo } from '@shared/contract/workspace'
import type { Connection } from '../transport/connect'
import { GettingStarted } from '../setup/GettingStarted'
import { onOpenGettingStarted } from '../setup/gettingStartedEvent'
import { useModelManager } from '../setup/useModelManager'
import { useObservable } from '../util/useObservable'
import { WelcomeScreen } from '../welcome/WelcomeScreen'
import { Workbench } from '../workbench/Workbench'
import { ConnectionBanner } from './ConnectionBanner'

type WorkspaceState =
  | { kind: 'loading' }
  | { kind: 'none' }
  | { kind: 'open'; info: WorkspaceInfo }
  | { kind: 'error'; message: string }

/** Top level: the connection, then either the welcome screen (no folder) or the workbench. */
export function App({ connection }: { connection: Connection }) {
  const { api } = connection
  const state = useObservable(connection.state)
  const [workspace, setWorkspace] = useState<WorkspaceState>({ kind: 'loading' })
  // false, or the Open Folder form (with the folder the desktop menu proposed, if any).
  const [openFolder, setOpenFolder] = useState<false | { initialPath?: string }>(false)
  const [reconnects, setReconnects] = useState(0)
  const [unsaved, setUnsaved] = useState(0)
  const models = useModelManager(api)
  // Shown once per install, before anything else: the way from a fresh install to a working model;
  // again when asked (status bar, Settings).
  const [setupOpen, setSetupOpen] = useState<boolean | undefined>(undefined)
  const showSetup = models.overview !== undefined && (setupOpen ?? !models.overview.setupDone)
  const refreshModels = models.refresh
  useEffect(
    () =>
      onOpenGettingStarted(() => {
        refreshModels()
        setSetupOpen(true)
      }),
    [refreshModels],
  )
  const wasOpen = useRef(false)
  const triedLastFolder = useRef(false)
  const unsavedRef = useRef(0)
  unsavedRef.current = unsaved
  const saveAll = useRef<(() => Promise<string[]>) | undefined>(undefined)
  const onSaveAllReady = useCallback((f: (() => Promise<string[]>) | undefined) => {
    saveAll.current = f
  }, [])

  // (Re)load the workspace each time the link comes up: the core may have restarted.
  useEffect(() => {
    if (state.kind !== 'open') return
    if (wasOpen.current) setReconnects((n) => n + 1)
    wasOpen.current = true
    refreshModels()
    const first = !triedLastFolder.current
    triedLastFolder.current = true
    api.call('workspace.info', {}).then(
      (info) => {
        if (info || !first) {
          setWorkspace(info ? { kind: 'open', info } : { kind: 'none' })
          return
        }
        // Started without a folder (the desktop app with no argument): reopen the last one, as
        // VS Code does; one that is gone leaves the welcome screen and its recent list.
        void reopenLastFolder(api).then((opened) =>
          setWorkspace(opened ? { kind: 'open', info: opened } : { kind: 'none' }),
        )
      },
      (err: unknown) => setWorkspace({ kind: 'error', message: (err as Error).message }),
    )
  }, [api, state, refreshModels])

  useEffect(() => api.on('workspace.opened', (info) => setWorkspace({ kind: 'open', info })), [api])

  // File > Open Folder / Open Recent in the desktop app: switch at once when nothing is unsaved,
  // otherwise show the form with that folder filled in and the unsaved-files warning.
  useEffect(
    () =>
      api.on('app.openFolderRequested', ({ root }) => {
        if (unsavedRef.current > 0) {
          setOpenFolder({ initialPath: root })
          return
        }
        api.call('workspace.open', { root }).then(
          (info) => setWorkspace({ kind: 'open', info }),
          () => setOpenFolder({ initialPath: root }),
        )
      }),
    [api],
  )

  const opened = (info: WorkspaceInfo): void => {
    setOpenFolder(false)
    setWorkspace({ kind: 'open', info })
  }

  return (
    <div className="app">
      <ConnectionBanner state={state} onRetry={connection.reconnectNow} />
      {showSetup && <GettingStarted state={models} onClose={() => setSetupOpen(false)} />}
      {workspace.kind === 'loading' && (
        <div className="splash" data-testid="splash">
          {state.kind === 'open' ? 'Loading…' : 'Connecting to Hearth…'}
        </div>
      )}
      {workspace.kind === 'error' && (
        <div className="splash error" role="alert">
          {workspace.message}
        </div>
      )}
      {workspace.kind === 'none' && <WelcomeScreen api={api} onOpened={opened} />}
      {workspace.kind === 'open' && (
        <Workbench
          key={workspace.info.root}
          api={api}
          info={workspace.info}
          connection={state}
          reconnects={reconnects}
          onOpenFolder={() => setOpenFolder({})}
          onUnsavedChange={setUnsaved}
          onSaveAllReady={onSaveAllReady}
        />
      )}
      {openFolder && workspace.kind === 'open' && (
        <WelcomeScreen
          api={api}
          onOpened={opened}
          onCancel={() => setOpenFolder(false)}
          unsavedCount={unsaved}
          onSaveAll={() => saveAll.current?.() ?? Promise.resolve([])}
          {...(openFolder.initialPath ? { initialPath: openFolder.initialPath } : {})}
        />
      )}
    </div>
  )
}

async function reopenLastFolder(api: HearthApi): Promise<WorkspaceInfo | undefined> {
  try {
    const [last] = await api.call('workspace.recent', {})
    return last ? await api.call('workspace.open', { root: last }) : undefined
  } catch {
    return undefined
  }
}
