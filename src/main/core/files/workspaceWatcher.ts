import type { Dirent, Stats } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { watch, type ChokidarOptions, type FSWatcher } from 'chokidar'
import { IgnoreRules } from './ignoreRules'
import { isTempFileName } from './indexExclusions'
import { ChangeCoalescer } from './changeCoalescer'
import type { ChangeSource, FileChangeEvent, WatcherState } from './watchTypes'
import type { Disposable } from '../base/lifecycle'

export interface WorkspaceWatcherOptions {
  /** Real absolute path of the workspace root. */
  root: string
  rules: IgnoreRules
  /** Coalescing window (ms). */
  windowMs?: number
  /** Largest batch before an early flush. */
  maxBatch?: number
  /** Builds the chokidar instance (tests wrap the real one to observe or inject its error events). */
  createWatcher?: (root: string, options: ChokidarOptions) => FSWatcher
}

const DEGRADING: Record<string, string> = {
  EMFILE: 'too many open files (EMFILE): some file changes may be missed',
  ENFILE: 'the system ran out of file handles (ENFILE): some file changes may be missed',
  ENOSPC:
    'the inotify watch limit is reached (ENOSPC): changes in some folders are missed; raise fs.inotify.max_user_watches',
  ELOOP: 'a symlink loop was found (ELOOP): that folder is not watched',
}

/**
 * chokidar over the workspace, with the explorer's ignore rules applied inside chokidar's `ignored`
 * callback so ignored folders (node_modules, gitignored build output) are never even watched: one
 * inotify watch per folder is the real cost on Linux. Raw events are coalesced (≈100 ms, bounded)
 * into batches of workspace-relative paths. Errors never throw: they turn the state to 'degraded'
 * with a reason the status bar can show.
 */
export class WorkspaceWatcher implements Disposable, ChangeSource {
  private readonly fsw: FSWatcher
  private readonly coalescer: ChangeCoalescer
  private readonly changeListeners = new Set<(batch: FileChangeEvent[]) => void>()
  private readonly stateListeners = new Set<(state: WatcherState) => void>()
  private readonly dirListeners = new Set<(dirs: string[]) => void>()
  private current: WatcherState = { status: 'starting' }
  private disposed = false
  private readonly unsubscribeRules: () => void
  /** Resolves when the initial scan is done (or the watcher gave up / was disposed). */
  readonly ready: Promise<void>

  constructor(private readonly opts: WorkspaceWatcherOptions) {
    this.coalescer = new ChangeCoalescer(
      (b, d) => this.deliver(b, d),
      opts.windowMs ?? 100,
      opts.maxBatch ?? 10_000,
    )
    this.fsw = (opts.createWatcher ?? watch)(opts.root, {
      ignoreInitial: true,
      // chokidar's atomic mode holds an unlink ≈100 ms to see whether an add follows (editors that
      // save by delete+recreate) and reports a single 'change'.
      atomic: true,
      // Never wander out of the workspace through a link, and never loop through one.
      followSymlinks: false,
      ignorePermissionErrors: true,
      ignored: (path: string, stats?: Stats) => this.isIgnored(path, stats),
    })
    let markReady: () => void = () => undefined
    this.ready = new Promise<void>((resolve) => (markReady = resolve))
    this.fsw.on('ready', () => {
      if (this.current.status === 'starting') this.setState({ status: 'ready' })
      markReady()
    })
    this.fsw.on('add', (p) => this.raw(p, 'created'))
    this.fsw.on('change', (p) => this.raw(p, 'changed'))
    this.fsw.on('unlink', (p) => this.raw(p, 'deleted'))
    this.fsw.on('addDir', (p) => this.rawDir(p))
    this.fsw.on('unlinkDir', (p) => this.rawDir(p))
    this.fsw.on('error', (err) => this.onError(err))
    // git's answer on tracked folders arrives in the background (at open, after an ignore-file
    // change): a tracked `build/` the first checks left out gets watched once it says so.
    this.unsubscribeRules = opts.rules.onTrackedChange(() => this.rulesChanged())
  }

  get state(): WatcherState {
    return this.current
  }

  onChanges(listener: (batch: FileChangeEvent[]) => void): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  onState(listener: (state: WatcherState) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  /**
   * Folders whose listing changed (entries created or deleted, files or folders), once per batch.
   * Not part of ChangeSource: only the explorer cares about folders.
   */
  onDirsChanged(listener: (dirs: string[]) => void): () => void {
    this.dirListeners.add(listener)
    return () => this.dirListeners.delete(listener)
  }

  /** Emits what is pending now instead of at the end of the window (tests, shutdown paths). */
  flush(): void {
    this.coalescer.flush()
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    this.unsubscribeRules()
    this.coalescer.clear()
    try {
      await this.fsw.close()
    } finally {
      this.setState({ status: 'stopped' })
      this.changeListeners.clear()
      this.stateListeners.clear()
      this.dirListeners.clear()
    }
  }

  private toRel(abs: string): string | null {
    const r = relative(this.opts.root, abs)
    if (r === '') return ''
    if (r.startsWith('..') && (r === '..' || r.startsWith(`..${sep}`))) return null
    return sep === '/' ? r : r.split(sep).join('/')
  }

  private isIgnored(abs: string, stats?: Stats | true): boolean {
    const rel = this.toRel(abs)
    if (rel === null) return true
    if (rel === '') return false
    const isDir = stats === true || (stats?.isDirectory() ?? false)
    // Temp and backup files of a save in progress (ours, editors'): never reported. Only once
    // chokidar knows it is not a folder (a folder may be called `4913`); raw() covers the rest.
    if (stats !== undefined && !isDir && isTempFileName(rel)) return true
    // chokidar asks once before it has stats; a dir-only pattern (`gen/`) can only be decided once
    // it asks again with them, so without stats only file semantics apply.
    try {
      return this.opts.rules.isIgnored(rel, isDir)
    } catch {
      return false
    }
  }

  private raw(abs: string, kind: FileChangeEvent['kind']): void {
    if (this.disposed) return
    const rel = this.toRel(abs)
    if (rel === null || rel === '') return
    // File events only come here: a temp file's name decides alone (see isIgnored).
    if (isTempFileName(rel)) return
    if (IgnoreRules.isIgnoreFile(rel)) {
      // A .gitignore or .hearthignore: the cached rules of that folder are stale now, so the next
      // `isIgnored` reads the new file (git is asked again in the background; onTrackedChange
      // re-applies if its answer differs). Re-deciding which already-known files became ignored or
      // visible is the indexer's job: it gets this event like any other and re-walks. (Files in
      // watched folders that became visible also arrive as 'created', because chokidar re-reads
      // the folder.)
      const slash = rel.lastIndexOf('/')
      const dir = slash < 0 ? '' : rel.slice(0, slash)
      this.opts.rules.invalidate(dir)
      void this.watchNewlyVisible(join(this.opts.root, dir))
    } else if (kind !== 'deleted' && this.isIgnored(abs)) {
      // A folder that became ignored stays watched (chokidar cannot drop part of a tree cheaply), so
      // its events are filtered here. Deletions always pass: removing an unknown path is a no-op.
      return
    }
    this.coalescer.push(rel, kind)
  }

  /**
   * The rules changed as a whole (the user's exclude setting): start watching folders they no
   * longer leave out. The caller re-walks for the files already in them.
   */
  rulesChanged(): void {
    if (!this.disposed) void this.watchNewlyVisible(this.opts.root)
  }

  /**
   * After an ignore file change, folders below it that were ignored (so never watched) may be
   * visible now: start watching those. Existing files in them produce no events (ignoreInitial);
   * the indexer's re-walk on the .gitignore event covers them.
   */
  private async watchNewlyVisible(dirAbs: string): Promise<void> {
    const watched = this.fsw.getWatched()
    const below = Object.keys(watched).filter((d) => d === dirAbs || d.startsWith(dirAbs + sep))
    for (const d of below) {
      if (this.disposed) return
      let entries: Dirent[]
      try {
        entries = await readdir(d, { withFileTypes: true })
      } catch {
        continue
      }
      for (const e of entries) {
        const child = join(d, e.name)
        if (e.isDirectory() && !(child in watched) && !this.isIgnored(child, true)) this.fsw.add(child)
      }
    }
  }

  private rawDir(abs: string): void {
    if (this.disposed) return
    const rel = this.toRel(abs)
    if (rel === null || rel === '') return
    this.coalescer.pushDir(rel)
  }

  private deliver(batch: FileChangeEvent[], dirs: string[]): void {
    // One faulty consumer must not starve the others (the indexer, the editor reload).
    if (batch.length > 0) for (const l of [...this.changeListeners]) safeCall(() => l(batch))
    if (dirs.length > 0) for (const l of [...this.dirListeners]) safeCall(() => l(dirs))
  }

  private onError(err: unknown): void {
    if (this.disposed) return
    const code = typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined
    const reason =
      (code && DEGRADING[code]) ?? `file watching failed: ${err instanceof Error ? err.message : String(err)}`
    this.setState({ status: 'degraded', reason })
  }

  private setState(state: WatcherState): void {
    if (this.current.status === state.status && this.current.reason === state.reason) return
    this.current = state
    for (const l of [...this.stateListeners]) safeCall(() => l(state))
  }
}

function safeCall(fn: () => void): void {
  try {
    fn()
  } catch {
    // Listener bugs are the listener's; the watcher keeps going.
  }
}
