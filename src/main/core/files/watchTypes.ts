/** A coalesced change to one workspace file (workspace-relative, `/`-separated path). */
export interface FileChangeEvent {
  path: string
  kind: 'created' | 'changed' | 'deleted'
}

export interface WatcherState {
  status: 'starting' | 'ready' | 'degraded' | 'stopped'
  /** Why it is degraded (EMFILE, ENOSPC, symlink loop…), for the status bar. */
  reason?: string
}

/**
 * Where file changes come from. The chokidar watcher implements it; the workspace service (reload
 * buffers changed outside the editor) and the indexer both consume it, so one watcher serves both.
 */
export interface ChangeSource {
  onChanges(listener: (batch: FileChangeEvent[]) => void): () => void
  onState(listener: (state: WatcherState) => void): () => void
  readonly state: WatcherState
}
