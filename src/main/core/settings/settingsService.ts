import { unwatchFile, watchFile, type Stats } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { HearthError } from '@shared/errors'
import { formatProblem, type Settings, type SettingsProblem } from '@shared/settings/schema'
import { atomicWrite } from '../files/atomicWrite'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../files/dataDir'
import { isPlainObject, mergePatch, type JsonObject } from './mergePatch'
import { readSettingsFile, type SettingsFileRead } from './readSettingsFile'
import { resolveSettings } from './resolveSettings'
import type { Disposable } from '../base/lifecycle'

export type SettingsScope = 'user' | 'workspace'

export interface SettingsServiceOptions {
  /** `<dataDir>/settings.json` */
  userFile: string
  /** `<workspace>/.hearth/settings.json`, when a workspace is open. */
  workspaceFile?: string
  /**
   * Poll interval for edits made outside Hearth. fs.watchFile (stat polling) rather than fs.watch:
   * it survives editors that save by rename and files or folders that do not exist yet.
   * 0 disables watching.
   */
  watchIntervalMs?: number
  /**
   * Called with the exact text about to be written; throws to refuse. The core passes the secret
   * store's check so a token can never reach a settings file, whatever path it took.
   */
  guardWrite?: (text: string) => void
}

export interface SettingsChange {
  settings: Settings
  previous: Settings
  problems: readonly SettingsProblem[]
}

const sig = (p: SettingsProblem): string => `${p.file}\u0000${p.key}\u0000${p.message}`

/**
 * Effective settings = defaults ⊕ user file ⊕ workspace file, kept current: `update` edits a file
 * (merge patch, validated before anything is written, written atomically), outside edits are
 * picked up by polling, and listeners hear every change so a profile switch applies without a
 * restart. A broken file never stops Hearth: its bad keys are reported and skipped.
 */
export class SettingsService implements Disposable {
  private userFile: string
  private workspaceFile: string | undefined
  private reads: { user: SettingsFileRead; workspace: SettingsFileRead | undefined }
  private current: Settings
  private currentProblems: SettingsProblem[]
  private readonly listeners = new Set<(c: SettingsChange) => void>()
  private queue: Promise<unknown> = Promise.resolve()
  private readonly watched = new Map<string, (curr: Stats, prev: Stats) => void>()
  private disposed = false

  private constructor(
    private readonly opts: SettingsServiceOptions,
    user: SettingsFileRead,
    workspace: SettingsFileRead | undefined,
  ) {
    this.userFile = opts.userFile
    this.workspaceFile = opts.workspaceFile
    this.reads = { user, workspace }
    const r = this.resolve(user, workspace)
    this.current = r.settings
    this.currentProblems = r.problems
    this.watch(this.userFile)
    if (this.workspaceFile) this.watch(this.workspaceFile)
  }

  static async open(opts: SettingsServiceOptions): Promise<SettingsService> {
    const [user, workspace] = await Promise.all([
      readSettingsFile(opts.userFile),
      opts.workspaceFile ? readSettingsFile(opts.workspaceFile) : Promise.resolve(undefined),
    ])
    return new SettingsService(opts, user, workspace)
  }

  get settings(): Settings {
    return this.current
  }

  get problems(): readonly SettingsProblem[] {
    return this.currentProblems
  }

  get files(): { user: string; workspace: string | null } {
    return { user: this.userFile, workspace: this.workspaceFile ?? null }
  }

  /** What the file itself says (not merged), for the settings UI. */
  raw(scope: SettingsScope): JsonObject | undefined {
    const r = scope === 'user' ? this.reads.user : this.reads.workspace
    return r?.raw ? structuredClone(r.raw) : undefined
  }

  onChange(listener: (c: SettingsChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Applies an RFC 7396 merge patch (null deletes a key) to one file. Refused — nothing written —
   * when it would add a problem, when the file has a syntax error we would overwrite, or when
   * the guard finds a secret in the text.
   */
  update(scope: SettingsScope, patch: JsonObject): Promise<SettingsChange> {
    return this.serial(async () => {
      const file = scope === 'user' ? this.userFile : this.workspaceFile
      if (!file)
        throw new HearthError(
          'invalid_argument',
          'no workspace is open: workspace settings cannot be changed',
        )
      const fresh = await readSettingsFile(file)
      if (fresh.raw === undefined && fresh.problem) {
        throw new HearthError(
          'conflict',
          `${formatProblem(fresh.problem)} — fix it by hand first; Hearth will not overwrite a file it cannot read`,
          { problems: [fresh.problem] },
        )
      }
      const before = this.resolveWith(scope, fresh)
      const nextRaw = mergePatch(fresh.raw ?? {}, patch)
      if (!isPlainObject(nextRaw))
        throw new HearthError('invalid_argument', 'settings patch must be an object')
      const text = `${JSON.stringify(nextRaw, null, 2)}\n`
      const next: SettingsFileRead = { file, raw: nextRaw, text }
      const after = this.resolveWith(scope, next)
      const known = new Set(before.problems.map(sig))
      const added = after.problems.filter((p) => p.file === file && !known.has(sig(p)))
      if (added.length > 0) {
        const more = added.length > 1 ? ` (and ${added.length - 1} more)` : ''
        throw new HearthError(
          'invalid_argument',
          `settings not saved: ${formatProblem(added[0] as SettingsProblem)}${more}`,
          {
            problems: added,
          },
        )
      }
      this.opts.guardWrite?.(text)
      // The user file lives in the private data dir; a workspace's may be shared with its team.
      if (scope === 'user') {
        await ensurePrivateDir(dirname(file))
        await atomicWrite(file, Buffer.from(text, 'utf8'), { mode: PRIVATE_FILE_MODE })
      } else {
        await mkdir(dirname(file), { recursive: true })
        await atomicWrite(file, Buffer.from(text, 'utf8'))
      }
      if (scope === 'user') this.reads.user = next
      else this.reads.workspace = next
      return this.apply()
    })
  }

  /** A workspace opened (or closed: undefined). Its settings apply at once. */
  setWorkspaceFile(file: string | undefined): Promise<SettingsChange> {
    return this.serial(async () => {
      if (this.workspaceFile) this.unwatch(this.workspaceFile)
      this.workspaceFile = file
      this.reads.workspace = file ? await readSettingsFile(file) : undefined
      if (file) this.watch(file)
      return this.apply()
    })
  }

  /** Re-reads both files (also what the watcher does). */
  reload(): Promise<SettingsChange> {
    return this.serial(async () => {
      const [user, workspace] = await Promise.all([
        readSettingsFile(this.userFile),
        this.workspaceFile ? readSettingsFile(this.workspaceFile) : Promise.resolve(undefined),
      ])
      this.reads = { user, workspace }
      return this.apply()
    })
  }

  dispose(): void {
    this.disposed = true
    for (const f of [...this.watched.keys()]) this.unwatch(f)
    this.listeners.clear()
  }

  private resolve(user: SettingsFileRead, workspace: SettingsFileRead | undefined) {
    const r = resolveSettings(
      { file: user.file, raw: user.raw },
      workspace ? { file: workspace.file, raw: workspace.raw } : undefined,
    )
    const readProblems = [user.problem, workspace?.problem].filter(
      (p): p is SettingsProblem => p !== undefined,
    )
    return { settings: r.settings, problems: [...readProblems, ...r.problems] }
  }

  private resolveWith(scope: SettingsScope, read: SettingsFileRead) {
    return scope === 'user' ? this.resolve(read, this.reads.workspace) : this.resolve(this.reads.user, read)
  }

  private apply(): SettingsChange {
    const previous = this.current
    const r = this.resolve(this.reads.user, this.reads.workspace)
    const changed =
      JSON.stringify(r.settings) !== JSON.stringify(previous) ||
      r.problems.map(sig).join('\n') !== this.currentProblems.map(sig).join('\n')
    this.current = r.settings
    this.currentProblems = r.problems
    const change: SettingsChange = { settings: r.settings, previous, problems: r.problems }
    if (changed && !this.disposed) {
      for (const l of this.listeners) {
        try {
          l(change)
        } catch {
          // One broken listener must not stop the others from hearing about the change.
        }
      }
    }
    return change
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }

  private watch(file: string): void {
    const interval = this.opts.watchIntervalMs ?? 1000
    if (interval <= 0 || this.watched.has(file)) return
    const listener = (curr: Stats, prev: Stats): void => {
      if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size && curr.ino === prev.ino) return
      void this.reloadIfChanged(file)
    }
    // persistent: false — a settings watcher must never keep the CLI alive.
    watchFile(file, { interval, persistent: false }, listener)
    this.watched.set(file, listener)
  }

  private unwatch(file: string): void {
    const l = this.watched.get(file)
    if (l) unwatchFile(file, l)
    this.watched.delete(file)
  }

  private async reloadIfChanged(file: string): Promise<void> {
    if (this.disposed) return
    const known = file === this.userFile ? this.reads.user : this.reads.workspace
    const fresh = await readSettingsFile(file)
    // Our own atomic write also trips the watcher; same bytes means nothing to do.
    if (known && fresh.text === known.text) return
    await this.reload().catch(() => undefined)
  }
}
