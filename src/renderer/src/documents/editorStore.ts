import type { HearthApi } from '@shared/contract'
import { HearthError } from '@shared/errors'
import { ObservableValue } from '../util/observableValue'
import type { DocView, EditorSnapshot } from './docView'
import { baseName, deleteDocs, moveDocs, type Doc, type DocTable } from './documentMoves'
import { openDocuments } from './openDocuments'
import type { BufferFactory, TextBuffer } from './textBuffer'

export interface Position {
  line: number
  column: number
}

/**
 * Open documents and their life cycle: load, edit (dirty tracking), save with conflict detection,
 * reload on outside changes, compare with the disk. Plain TypeScript over the contract and a
 * TextBuffer factory, so it runs in unit tests without a browser.
 */
export class EditorStore {
  readonly snapshot = new ObservableValue<EditorSnapshot>({ docs: [], active: undefined })
  private readonly docs = new Map<string, Doc>()
  private order: string[] = []
  private active: string | undefined
  private revealSeq = 0
  private disposed = false
  private readonly offEvents: (() => void)[]

  /** What documentMoves needs of this store's tabs. */
  private readonly table: DocTable = {
    paths: () => [...this.order],
    doc: (path) => this.docs.get(path),
    close: (path) => this.close(path),
    rename: (doc, from, to) => {
      this.docs.delete(from)
      this.docs.set(to, doc)
      this.order[this.order.indexOf(from)] = to
      if (this.active === from) this.active = to
    },
    patch: (doc, change) => this.patch(doc, change),
    load: (doc) => void this.load(doc),
    adopt: (doc, buffer, dirty) => this.adopt(doc, buffer, dirty),
    publish: () => this.publish(),
  }

  constructor(
    private readonly api: HearthApi,
    private readonly buffers: Promise<BufferFactory>,
  ) {
    // Renames and deletes made through Hearth (this window's explorer or another one's).
    this.offEvents = [
      api.on('workspace.moved', ({ from, to }) => this.moved(from, to)),
      api.on('workspace.deleted', ({ path }) => this.deleted(path)),
    ]
  }

  get activePath(): string | undefined {
    return this.active
  }

  view(path: string): DocView | undefined {
    return this.docs.get(path)?.view
  }

  buffer(path: string): TextBuffer | undefined {
    return this.docs.get(path)?.buffer
  }

  isDirty(path: string): boolean {
    return this.docs.get(path)?.view.dirty ?? false
  }

  /** Opens (or focuses) a file; `at` moves the cursor there once it is loaded. */
  open(path: string, at?: Position): void {
    let doc = this.docs.get(path)
    if (!doc) {
      doc = {
        view: { path, name: baseName(path), status: 'loading', readOnly: false, dirty: false, saving: false },
        buffer: undefined,
        version: undefined,
        savedVersionId: 0,
        readSeq: 0,
        staleWhileLoading: false,
        unsubscribe: undefined,
      }
      this.docs.set(path, doc)
      // New tabs open to the right of the active one, as in VS Code.
      const i = this.active ? this.order.indexOf(this.active) : -1
      this.order.splice(i < 0 ? this.order.length : i + 1, 0, path)
      void this.load(doc)
    }
    if (at) this.patch(doc, { reveal: { ...at, seq: ++this.revealSeq } })
    this.active = path
    this.publish()
  }

  activate(path: string): void {
    if (!this.docs.has(path) || this.active === path) return
    this.active = path
    this.publish()
  }

  /** Cycles through tabs (Ctrl+Tab / Ctrl+Shift+Tab). */
  cycle(step: 1 | -1): void {
    if (this.order.length === 0) return
    const i = this.active ? this.order.indexOf(this.active) : 0
    this.activate(this.order[(i + step + this.order.length) % this.order.length] as string)
  }

  /** Closes a tab without asking: the UI asks first when it is dirty. */
  close(path: string): void {
    const doc = this.docs.get(path)
    if (!doc) return
    const i = this.order.indexOf(path)
    this.order.splice(i, 1)
    this.docs.delete(path)
    doc.readSeq++
    doc.unsubscribe?.()
    doc.buffer?.dispose()
    if (this.active === path) this.active = this.order[Math.min(i, this.order.length - 1)]
    this.publish()
  }

  /** Saves with the version the buffer is based on; a newer file on disk is a `conflict`. */
  async save(path: string): Promise<boolean> {
    return this.write(path, false)
  }

  /**
   * Saves every document with unsaved changes (before switching folders). Resolves with the paths
   * that could not be saved — a conflict or an error, each shown on its own tab as usual.
   */
  async saveAll(): Promise<string[]> {
    const dirty = this.snapshot
      .get()
      .docs.filter((d) => d.dirty)
      .map((d) => d.path)
    const failed: string[] = []
    for (const path of dirty) if (!(await this.save(path))) failed.push(path)
    return failed
  }

  /** Saves over whatever is on disk (after the user chose Overwrite). */
  async overwrite(path: string): Promise<boolean> {
    return this.write(path, true)
  }

  /** Replaces the buffer with the disk's text, dropping unsaved edits (the user chose Reload). */
  async reload(path: string): Promise<void> {
    const doc = this.docs.get(path)
    if (!doc?.buffer) return
    await this.readInto(doc)
  }

  /** Shows the disk version beside the buffer. */
  async compare(path: string): Promise<void> {
    const doc = this.docs.get(path)
    if (!doc?.buffer) return
    try {
      const disk = await this.api.call('file.read', { path })
      if (this.docs.get(path) !== doc) return
      this.patch(doc, { compare: { diskText: disk.text } })
    } catch (err) {
      this.patch(doc, {
        banner: { kind: 'saveFailed', message: `Cannot read the file on disk: ${message(err)}` },
      })
    }
    this.publish()
  }

  closeCompare(path: string): void {
    const doc = this.docs.get(path)
    if (!doc?.view.compare) return
    this.patch(doc, { compare: undefined })
    this.publish()
  }

  /** The user dismissed the bar (Cancel): keep editing; the next save will ask again. */
  dismissBanner(path: string): void {
    const doc = this.docs.get(path)
    if (!doc?.view.banner) return
    this.patch(doc, { banner: undefined })
    this.publish()
  }

  /** A `file.changed` event: reload a clean buffer quietly, ask about a dirty one. */
  async fileChanged(change: {
    path: string
    kind: 'changed' | 'created' | 'deleted'
    version?: string
  }): Promise<void> {
    const doc = this.docs.get(change.path)
    if (!doc) return
    if (doc.view.status === 'loading') {
      doc.staleWhileLoading = true
      return
    }
    if (doc.view.status === 'refused') {
      // It may have become readable (e.g. shrank below the size limit): try again.
      if (change.kind !== 'deleted') await this.load(doc)
      return
    }
    if (change.kind === 'deleted') {
      this.patch(doc, { banner: { kind: 'deletedOnDisk' } })
      this.publish()
      return
    }
    if (change.version !== undefined && change.version === doc.version) return // our own save echoed
    if (doc.view.saving) return // the save's answer decides (conflict or new version)
    if (!doc.view.dirty) {
      await this.readInto(doc)
      return
    }
    this.patch(doc, { banner: { kind: 'changedOnDisk' } })
    this.publish()
  }

  /** After a reconnect: events may have been missed, so compare every open file with the disk. */
  async resync(): Promise<void> {
    for (const doc of [...this.docs.values()]) {
      if (doc.view.status !== 'ready') continue
      try {
        const disk = await this.api.call('file.read', { path: doc.view.path })
        if (disk.version !== doc.version)
          await this.fileChanged({ path: doc.view.path, kind: 'changed', version: disk.version })
      } catch (err) {
        if (err instanceof HearthError && err.code === 'not_found')
          await this.fileChanged({ path: doc.view.path, kind: 'deleted' })
      }
    }
  }

  /** `from` (a file or a folder) is now `to`: see documentMoves.moveDocs. */
  moved(from: string, to: string): void {
    moveDocs(this.table, from, to)
  }

  /** `path` (a file or a folder) was deleted through Hearth: see documentMoves.deleteDocs. */
  deleted(path: string): void {
    deleteDocs(this.table, path)
  }

  dispose(): void {
    const mine = openDocuments.get() === this.snapshot.get()
    this.disposed = true
    for (const off of this.offEvents) off()
    for (const path of [...this.order]) this.close(path)
    if (mine) openDocuments.set({ docs: [], active: undefined })
  }

  private adopt(doc: Doc, buffer: TextBuffer, dirty: boolean): void {
    doc.buffer = buffer
    // Still dirty until saved: the new buffer has no version the disk matches.
    doc.savedVersionId = dirty ? Number.NaN : buffer.versionId()
    doc.unsubscribe = buffer.onDidChange(() => this.updateDirty(doc))
    this.patch(doc, { language: buffer.languageId() })
  }

  private async load(doc: Doc): Promise<void> {
    const seq = ++doc.readSeq
    const path = doc.view.path
    try {
      const [content, factory] = await Promise.all([this.api.call('file.read', { path }), this.buffers])
      if (doc.readSeq !== seq || this.docs.get(path) !== doc || this.disposed) return
      doc.buffer?.dispose()
      doc.unsubscribe?.()
      const buffer = factory.create(path, content.text)
      doc.buffer = buffer
      doc.version = content.version
      doc.savedVersionId = buffer.versionId()
      doc.unsubscribe = buffer.onDidChange(() => this.updateDirty(doc))
      this.patch(doc, {
        status: 'ready',
        error: undefined,
        encoding: content.encoding,
        eol: content.eol,
        language: buffer.languageId(),
        readOnly: content.readOnly,
        readOnlyReason: content.readOnlyReason,
        dirty: false,
      })
    } catch (err) {
      if (doc.readSeq !== seq || this.docs.get(path) !== doc) return
      const e = err instanceof HearthError ? err : new HearthError('internal', message(err))
      this.patch(doc, { status: 'refused', error: { code: e.code, message: e.message } })
    }
    this.publish()
    if (doc.staleWhileLoading && doc.view.status === 'ready') {
      doc.staleWhileLoading = false
      await this.readInto(doc)
    }
  }

  /** Reads the disk into an existing buffer (reload): the minimal edit keeps the view in place. */
  private async readInto(doc: Doc): Promise<void> {
    const seq = ++doc.readSeq
    try {
      const content = await this.api.call('file.read', { path: doc.view.path })
      if (doc.readSeq !== seq || !doc.buffer || this.docs.get(doc.view.path) !== doc) return
      doc.buffer.applyText(content.text)
      doc.version = content.version
      doc.savedVersionId = doc.buffer.versionId()
      this.patch(doc, {
        encoding: content.encoding,
        eol: content.eol,
        readOnly: content.readOnly,
        readOnlyReason: content.readOnlyReason,
        dirty: false,
        banner: undefined,
        compare: undefined,
      })
    } catch (err) {
      if (doc.readSeq !== seq) return
      if (err instanceof HearthError && err.code === 'not_found')
        this.patch(doc, { banner: { kind: 'deletedOnDisk' } })
      else this.patch(doc, { banner: { kind: 'saveFailed', message: `Cannot reload: ${message(err)}` } })
    }
    this.publish()
  }

  private async write(path: string, force: boolean): Promise<boolean> {
    const doc = this.docs.get(path)
    const buffer = doc?.buffer
    if (!doc || !buffer || doc.view.status !== 'ready' || doc.view.readOnly || doc.view.saving) return false
    if (!doc.view.encoding || !doc.view.eol) return false
    const savedId = buffer.versionId()
    this.patch(doc, { saving: true })
    this.publish()
    try {
      const res = await this.api.call('file.write', {
        path,
        text: buffer.getText(),
        encoding: doc.view.encoding,
        eol: doc.view.eol,
        ...(force || doc.version === undefined ? {} : { baseVersion: doc.version }),
      })
      doc.version = res.version
      doc.savedVersionId = savedId
      doc.readSeq++ // a reload started before the save would bring back the old text
      this.patch(doc, {
        saving: false,
        banner: undefined,
        compare: undefined,
        dirty: buffer.versionId() !== savedId,
      })
      this.publish()
      return true
    } catch (err) {
      const banner =
        err instanceof HearthError && err.code === 'conflict'
          ? ({ kind: 'conflict' } as const)
          : ({ kind: 'saveFailed', message: `Could not save ${doc.view.name}: ${message(err)}` } as const)
      this.patch(doc, { saving: false, banner })
      this.publish()
      return false
    }
  }

  private updateDirty(doc: Doc): void {
    const dirty = doc.buffer !== undefined && doc.buffer.versionId() !== doc.savedVersionId
    if (dirty === doc.view.dirty) return
    this.patch(doc, { dirty })
    this.publish()
  }

  private patch(doc: Doc, change: Partial<DocView>): void {
    doc.view = { ...doc.view, ...change }
  }

  private publish(): void {
    this.snapshot.set({ docs: this.order.map((p) => (this.docs.get(p) as Doc).view), active: this.active })
    // A workbench being replaced must not overwrite the new one's documents.
    if (!this.disposed) openDocuments.set(this.snapshot.get())
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
