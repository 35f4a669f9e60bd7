import { realpath, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, resolve } from 'node:path'
import type {
  DeleteResult,
  FileContent,
  TreeEntry,
  WatcherStatus,
  WorkspaceInfo,
} from '@shared/contract/workspace'
import { HearthError } from '@shared/errors'
import type { EventBus } from '../base/eventBus'
import type { ChangeSource, FileChangeEvent } from '../files/watchTypes'
import { WorkspaceWatcher } from '../files/workspaceWatcher'
import type { AtomicWriteFs } from '../files/atomicWrite'
import { IgnoreRules } from '../files/ignoreRules'
import { isCode, PathGuard } from '../files/pathGuard'
import { RecentFolders } from './recentFolders'
import {
  contentHash,
  decodeText,
  encodeText,
  makeVersion,
  versionHash,
  type Encoding,
  type Eol,
} from '../files/textCodec'
import { fsToHearth, listDir, walkFiles } from './workspaceTree'
import { currentVersion, MAX_EDIT_BYTES, mb, readFile, saveFile } from './fileAccess'
import type { Disposable } from '../base/lifecycle'
import { DirectChanges } from './directChanges'
import type { EntryKind } from './entryOps'
import { systemTrash, type TrashPort } from './trash'
import { createIn, removeIn, renameIn, type EntryHost } from './workspaceEntries'

export { MAX_EDIT_BYTES, MAX_OPEN_BYTES } from './fileAccess'
export const DEFAULT_FILES_LIMIT = 20_000
/** How many files (read or written through us) are tracked for external-change events. */
const MAX_TRACKED = 2000

export interface WorkspaceServiceOptions {
  events: EventBus
  /** Per-user state directory (recent folders). */
  stateDir: string
  /** Start a file watcher when a folder opens (default true; one-shot CLI commands turn it off). */
  watch?: boolean
  /** File-system calls used by saves (tests inject failures). */
  writeFs?: AtomicWriteFs
  /** The user's exclude globs (`index.exclude`), read at each check (see IgnoreRules). */
  excludes?: () => readonly string[]
  /** Where deletes go (default: the OS trash). */
  trash?: TrashPort
}

export interface WriteRequest {
  path: string
  text: string
  encoding: Encoding
  eol: Eol
  baseVersion?: string
}

/** Everything that belongs to one opened folder; replaced as a whole when another folder opens. */
interface Session {
  info: WorkspaceInfo
  guard: PathGuard
  rules: IgnoreRules
  watcher: WorkspaceWatcher | null
  /** The watcher's changes plus our own creates, moves and deletes (what the index follows). */
  changes: DirectChanges | null
  /** rel → the version editors were last told of (first read, saved, or an event); '' = deleted. */
  known: Map<string, string>
  /** Batches are handled one after another so events for a path come out in order. */
  changeChain: Promise<void>
  unsubscribe: (() => void)[]
}

/**
 * Opens a folder and gives guarded access to it: lazy tree, quick-open file list, text reads and
 * atomic saves with conflict detection, and `file.changed` events for changes made outside the
 * editor. One watcher per open folder, shared with the indexer through `watcher`.
 */
export class WorkspaceService implements Disposable {
  private session: Session | null = null
  private readonly recentFolders: RecentFolders
  private readonly openListeners = new Set<(info: WorkspaceInfo) => void>()
  private readonly closeListeners = new Set<(root: string) => void>()
  private openChain: Promise<unknown> = Promise.resolve()
  /** Per-path save queue: saves of one file never interleave, and change events wait for them. */
  private readonly writing = new Map<string, Promise<unknown>>()
  private arrival: Promise<unknown> = Promise.resolve()
  private disposed = false
  private readonly entryHost: EntryHost

  constructor(private readonly opts: WorkspaceServiceOptions) {
    this.recentFolders = new RecentFolders(opts.stateDir)
    this.entryHost = {
      events: opts.events,
      trash: opts.trash ?? systemTrash,
      isCurrent: (s) => this.session === s,
    }
  }

  get root(): string | null {
    return this.session?.info.root ?? null
  }

  get rules(): IgnoreRules | null {
    return this.session?.rules ?? null
  }

  get watcher(): ChangeSource | null {
    return this.session?.changes ?? null
  }

  get guard(): PathGuard | null {
    return this.session?.guard ?? null
  }

  info(): WorkspaceInfo | null {
    const s = this.session
    if (!s) return null
    return s.watcher ? { ...s.info, watcher: watcherStatus(s.watcher) } : s.info
  }

  /** Called after every successful open (also for a folder opened at start). Returns an unsubscribe. */
  onDidOpen(cb: (info: WorkspaceInfo) => void): () => void {
    this.openListeners.add(cb)
    return () => this.openListeners.delete(cb)
  }

  /**
   * Called when a folder closes (another one opens, or shutdown), after its watcher stopped:
   * consumers drop what they hold for that root.
   */
  onDidClose(cb: (root: string) => void): () => void {
    this.closeListeners.add(cb)
    return () => this.closeListeners.delete(cb)
  }

  open(root: string): Promise<WorkspaceInfo> {
    // Serialised: two quick opens must not leave two watchers running.
    const next = this.openChain.catch(() => undefined).then(() => this.doOpen(root))
    this.openChain = next
    return next
  }

  private async doOpen(input: string): Promise<WorkspaceInfo> {
    if (this.disposed) throw new HearthError('unavailable', 'the workspace service is shut down')
    const expanded =
      input === '~' ? homedir() : input.startsWith('~/') ? resolve(homedir(), input.slice(2)) : input
    const requested = resolve(expanded)
    let root: string
    try {
      root = await realpath(requested)
      if (!(await stat(root)).isDirectory())
        throw new HearthError('not_found', `${requested} is not a folder`)
    } catch (err) {
      if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) {
        // A recent entry that no longer exists should not stay in the menu.
        await this.recentFolders.remove(requested).catch(() => undefined)
        throw new HearthError('not_found', `folder ${requested} does not exist`)
      }
      if (err instanceof HearthError) throw err
      throw fsToHearth(err, requested)
    }
    if (this.session?.info.root === root) return this.info() ?? this.session.info

    // Before the watcher starts: its initial scan floods libuv's thread pool for seconds on a big
    // tree, and this write would wait behind it (measured: open() 5.5 s instead of milliseconds).
    await this.recentFolders.add(root).catch(() => undefined) // a read-only state dir must not block opening
    await this.closeSession()
    const rules = new IgnoreRules(root, this.opts.excludes ? { excludes: this.opts.excludes } : {})
    // Which default-named folders git tracks, asked once without blocking (the watcher needs it).
    await rules.prepare()
    const session: Session = {
      info: { root, name: basename(root) || root },
      guard: new PathGuard(root),
      rules,
      watcher: null,
      changes: null,
      known: new Map(),
      changeChain: Promise.resolve(),
      unsubscribe: [],
    }
    if (this.opts.watch !== false) {
      const watcher = new WorkspaceWatcher({ root, rules })
      session.watcher = watcher
      session.changes = new DirectChanges(watcher)
      session.unsubscribe.push(
        watcher.onChanges((batch) => {
          session.changeChain = session.changeChain.then(() => this.onExternalChanges(session, batch))
        }),
        watcher.onDirsChanged((dirs) =>
          this.emitIfCurrent(session, () => this.opts.events.emit('workspace.treeChanged', { dirs })),
        ),
        watcher.onState((st) =>
          this.emitIfCurrent(session, () =>
            this.opts.events.emit('workspace.watcher', watcherStatus({ state: st })),
          ),
        ),
      )
    }
    this.session = session
    const info = this.info() ?? session.info
    this.opts.events.emit('workspace.opened', info)
    for (const l of [...this.openListeners]) {
      try {
        l(info)
      } catch {
        // A consumer's failure (e.g. the indexer) must not fail the open.
      }
    }
    return info
  }

  /**
   * The exclude setting changed: folders it no longer leaves out get watched. (Quick open and the
   * explorer read the rules at each call; the index re-walks on its own.)
   */
  rulesChanged(): void {
    this.session?.watcher?.rulesChanged()
  }

  recent(): Promise<string[]> {
    return this.recentFolders.list()
  }

  async list(dir: string, opts: { includeIgnored?: boolean } = {}): Promise<TreeEntry[]> {
    const s = this.current()
    return listDir(s.guard, s.rules, dir, opts)
  }

  async files(
    limit = DEFAULT_FILES_LIMIT,
    signal?: AbortSignal,
  ): Promise<{ paths: string[]; truncated: boolean }> {
    const s = this.current()
    return walkFiles(s.guard, s.rules, limit, signal)
  }

  async read(path: string): Promise<FileContent> {
    const s = this.current()
    const { rel, buf, mtimeMs, writable } = await readFile(s.guard, path)
    const decoded = decodeText(buf, rel)
    const version = makeVersion(mtimeMs, buf.length, contentHash(buf))
    let readOnlyReason: string | undefined
    if (buf.length > MAX_EDIT_BYTES) {
      readOnlyReason = `large file (${mb(buf.length)}): opened read-only; files over ${mb(MAX_EDIT_BYTES)} are not edited`
    } else if (!writable) {
      readOnlyReason = 'you do not have permission to write this file'
    }
    // A read makes the file one the editors hear about, but never moves the version they were last
    // told of: others read too (the TS project, chat's sources), and one landing between a write on
    // disk and the watcher's batch would mark the change as seen, so an open editor would never
    // reload. An editor that read the new version itself ignores the event (same version).
    this.track(s, rel, s.known.get(rel) ?? version)
    const out: FileContent = {
      path: rel,
      ...decoded,
      version,
      readOnly: readOnlyReason !== undefined,
      size: buf.length,
    }
    if (readOnlyReason) out.readOnlyReason = readOnlyReason
    return out
  }

  async write(req: WriteRequest): Promise<{ path: string; version: string; size: number }> {
    const s = this.current()
    // Saves join their file's queue in the order they arrived, even when one path (`./a.txt`)
    // takes longer to resolve than another spelling of it: the first save of a version wins.
    const entered = this.arrival.then(async () => {
      const { rel } = await s.guard.resolve(req.path)
      const prev = this.writing.get(rel) ?? Promise.resolve()
      const run = prev.catch(() => undefined).then(() => this.doWrite(s, req))
      this.writing.set(rel, run)
      return { rel, run }
    })
    this.arrival = entered.catch(() => undefined)
    const { rel, run } = await entered
    try {
      return await run
    } finally {
      if (this.writing.get(rel) === run) this.writing.delete(rel)
    }
  }

  private async doWrite(
    s: Session,
    req: WriteRequest,
  ): Promise<{ path: string; version: string; size: number }> {
    // saveFile checks the path again: it may have changed (a link replaced) while we waited.
    const data = encodeText(req.text, req.encoding, req.eol)
    const { rel, version } = await saveFile(
      s.guard,
      { path: req.path, data, baseVersion: req.baseVersion },
      this.opts.writeFs,
    )
    // Remember our own version, so the watcher event this save causes is not reported as external.
    this.track(s, rel, version)
    return { path: rel, version, size: data.length }
  }

  /** New empty file or folder (explorer). */
  create(path: string, kind: 'file' | 'dir'): Promise<{ path: string; kind: 'file' | 'dir' }> {
    return createIn(this.entryHost, this.current(), path, kind)
  }

  /** Rename or move (explorer): open editors and the index follow at once. */
  rename(from: string, to: string): Promise<{ from: string; to: string; kind: EntryKind }> {
    return renameIn(this.entryHost, this.current(), from, to)
  }

  /** Delete (explorer): to the OS trash, or for good when asked; see entryOps.deleteEntry. */
  remove(path: string, permanent?: boolean): Promise<DeleteResult> {
    return removeIn(this.entryHost, this.current(), path, permanent)
  }

  async dispose(): Promise<void> {
    this.disposed = true
    await this.openChain.catch(() => undefined)
    await this.closeSession()
  }

  private async closeSession(): Promise<void> {
    const s = this.session
    if (!s) return
    this.session = null
    for (const u of s.unsubscribe) u()
    await s.watcher?.dispose()
    for (const l of [...this.closeListeners]) {
      try {
        l(s.info.root)
      } catch {
        // see doOpen
      }
    }
  }

  private current(): Session {
    if (!this.session) throw new HearthError('unavailable', 'no folder is open')
    return this.session
  }

  private track(s: Session, rel: string, version: string): void {
    s.known.delete(rel) // re-insert: Map order is our LRU order
    s.known.set(rel, version)
    if (s.known.size > MAX_TRACKED) {
      const oldest = s.known.keys().next().value
      if (oldest !== undefined) s.known.delete(oldest)
    }
  }

  private emitIfCurrent(s: Session, emit: () => void): void {
    if (this.session === s) emit()
  }

  /**
   * Turns watcher batches into `file.changed` for files the editor knows (read or saved through us):
   * their current version is compared with the last one the editor saw, so our own saves, repeated
   * events and `touch`es of unchanged bytes stay silent. Other files only matter to the explorer
   * (`workspace.treeChanged`) and the indexer (which has its own subscription).
   */
  private async onExternalChanges(s: Session, batch: FileChangeEvent[]): Promise<void> {
    for (const ev of batch) {
      if (this.session !== s) return
      const seen = s.known.get(ev.path)
      if (seen === undefined) continue
      try {
        await this.writing.get(ev.path)?.catch(() => undefined)
        const now = await currentVersion(s.guard, ev.path)
        if (this.session !== s) return
        if (now === null) {
          if (seen === '') continue
          s.known.set(ev.path, '')
          this.opts.events.emit('file.changed', { path: ev.path, kind: 'deleted' })
          continue
        }
        if (
          now === seen ||
          (seen !== '' && versionHash(now) !== '' && versionHash(now) === versionHash(seen))
        ) {
          s.known.set(ev.path, now)
          continue
        }
        s.known.set(ev.path, now)
        this.opts.events.emit('file.changed', {
          path: ev.path,
          kind: seen === '' ? 'created' : 'changed',
          version: now,
        })
      } catch {
        // The path became unreachable (guard refusal, permission): nothing the editor can reload.
      }
    }
  }
}

function watcherStatus(w: { state: { status: WatcherStatus['status']; reason?: string } }): WatcherStatus {
  const st = w.state
  return st.reason === undefined ? { status: st.status } : { status: st.status, reason: st.reason }
}
