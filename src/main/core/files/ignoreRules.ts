import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ignore, { type Ignore } from 'ignore'
import { trackedDefaultFolders } from './gitTracked'

/**
 * Names left out by default: dependency folders, caches and common build outputs. Unlike the
 * ignore files, a default is a guess, so it applies only where git does not track the folder: a
 * tracked `build/electron-builder.yml` is source the user wants found (IgnoreRules).
 */
export const DEFAULT_IGNORED_NAMES: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  '.venv',
  'venv',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.tox',
  'dist',
  'build',
  'out',
  'target',
  '.next',
  '.nuxt',
  '.turbo',
  '.cache',
  '.parcel-cache',
  'coverage',
  '.gradle',
  '.idea',
  '.DS_Store',
  'Thumbs.db',
])

/**
 * Never shown, indexed or reported, whatever any rule says: version-control metadata and OS
 * litter. Listing them as "left out" would only be noise (every repository has a `.git`).
 */
const ALWAYS_HIDDEN: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', '.DS_Store', 'Thumbs.db'])

/** The files whose patterns decide, nested ones included; `.hearthignore` is read first. */
export const IGNORE_FILE_NAMES = ['.hearthignore', '.gitignore'] as const

/** Every reason IgnoreRules gives starts with this, so summaries can tell rules from failures. */
export const IGNORED_PREFIX = 'ignored by '

/** The setting whose globs (gitignore syntax) leave paths out; named in the skip reasons. */
export const EXCLUDE_SETTING = 'index.exclude'

/** Why a path is left out: `reason` for the user; `quiet` for VCS metadata nobody needs told about. */
export interface IgnoreVerdict {
  reason: string
  quiet: boolean
}

export interface IgnoreRulesOptions {
  /** The user's exclude globs (gitignore syntax; `index.exclude`), read at each check. */
  excludes?: () => readonly string[]
  /**
   * Folders with a default-ignored name that git tracks (workspace-relative). Default: asked of the
   * user's `git` (`git ls-files`, never synchronously) at `prepare()` or on first use, and again
   * after `invalidate()`; no git or no repository means none is tracked, so every default applies.
   */
  trackedFolders?: ReadonlySet<string>
}

/**
 * Which paths of a workspace the explorer greys out, quick open and the index leave out, and why.
 * In order, for each folder on the way down and then the path itself (an excluded folder hides
 * everything below it, as in git):
 *
 * 1. version-control metadata and OS litter (ALWAYS_HIDDEN), always and quietly;
 * 2. the `index.exclude` setting's globs;
 * 3. `.hearthignore` files (nested ones too): a `!pattern` there brings back what the rules below
 *    would leave out, e.g. `!dist/`;
 * 4. `.gitignore` files (nested ones too), with git's semantics (the deepest file with a matching
 *    pattern decides, so a nested `!keep.log` beats the root's `*.log`);
 * 5. the default names (DEFAULT_IGNORED_NAMES), unless git tracks that folder.
 *
 * Ignore files are read lazily and cached; `invalidate` forgets them when one changes.
 *
 * Which folders git tracks is only ever asked asynchronously: checks are synchronous and run on
 * the core's event loop (chokidar's `ignored` callback, the explorer), where a `git ls-files` of a
 * big repository would stall everything. Until git answers, checks use the last answer (or, before
 * the first one, no tracked folder: every default applies); when an answer changes the set,
 * `onTrackedChange` listeners re-apply the rules (the watcher, the indexer).
 */
export class IgnoreRules {
  private readonly perDir = new Map<string, Ignore | null>()
  /** Verdicts of folders (every path component but the last), which most checks share. */
  private readonly dirVerdicts = new Map<string, IgnoreVerdict | null>()
  /** git's last answer; null before the first. */
  private tracked: ReadonlySet<string> | null
  private readonly fixedTracked: boolean
  /** A check answered without git's answer (as if nothing were tracked): re-apply when it comes. */
  private usedDefaults = false
  /** The `git ls-files` running now, and the one that runs after it: never more (refreshTracked). */
  private inFlight: Promise<void> | null = null
  private queued: Promise<void> | null = null
  private readonly trackedListeners = new Set<() => void>()
  private excludeSource: readonly string[] | null = null
  private exclude: Ignore | null = null

  constructor(
    private readonly root: string,
    private readonly options: IgnoreRulesOptions = {},
  ) {
    this.tracked = options.trackedFolders ?? null
    this.fixedTracked = options.trackedFolders !== undefined
  }

  /**
   * Resolves once git has said which default-named folders it tracks, and any refresh asked for
   * since (`invalidate()`) has landed. Safe to skip: checks made before use every default until the
   * answer comes, and `onTrackedChange` says when it changed them.
   */
  async prepare(): Promise<void> {
    if (this.fixedTracked) return
    const pending = this.queued ?? this.inFlight
    if (pending) return pending
    if (this.tracked === null) await this.refreshTracked()
  }

  /**
   * `listener` runs when git's answer changed which folders are tracked, so verdicts given before
   * may be wrong now: re-apply the rules (rewalk, rewatch). Returns the unsubscribe.
   */
  onTrackedChange(listener: () => void): () => void {
    this.trackedListeners.add(listener)
    return () => this.trackedListeners.delete(listener)
  }

  /** `rel` is workspace-relative, `/`-separated; `isDir` matters for patterns ending in `/`. */
  isIgnored(rel: string, isDir: boolean): boolean {
    return this.verdict(rel, isDir) !== null
  }

  /** Why `rel` is left out, or null when it is not. */
  verdict(rel: string, isDir: boolean): IgnoreVerdict | null {
    if (rel === '') return null
    this.refreshExcludes()
    const parts = rel.split('/')
    for (let j = 0; j < parts.length; j++) {
      const last = j === parts.length - 1
      if (last) return this.decide(parts, j, isDir)
      const dir = parts.slice(0, j + 1).join('/')
      let v = this.dirVerdicts.get(dir)
      if (v === undefined) {
        v = this.decide(parts, j, true)
        this.dirVerdicts.set(dir, v)
      }
      if (v) return v
    }
    return null
  }

  /** Whether a workspace-relative path is one of the files these rules read. */
  static isIgnoreFile(rel: string): boolean {
    const name = rel.slice(rel.lastIndexOf('/') + 1)
    return (IGNORE_FILE_NAMES as readonly string[]).includes(name)
  }

  /**
   * Forget the cached rules of the folder holding a changed ignore file ('' for the root), or,
   * without an argument, of every folder. Either way git is asked again, in the background, which
   * folders it tracks (a `git add build/` shows at the next ignore-file edit, not only at the next
   * open); checks keep the previous answer until it lands.
   */
  invalidate(dir?: string): void {
    this.dirVerdicts.clear()
    if (!this.fixedTracked) void this.refreshTracked()
    if (dir === undefined) this.perDir.clear()
    else for (const file of IGNORE_FILE_NAMES) this.perDir.delete(`${dir}\0${file}`)
  }

  /**
   * Asks git again. A branch switch can change hundreds of ignore files in a burst (each one an
   * invalidate from the watcher and from the indexer): one ask runs at a time and one more waits
   * behind it for all of those that came meanwhile, since it starts after they did.
   */
  private refreshTracked(): Promise<void> {
    if (this.queued) return this.queued
    const running = this.inFlight
    if (running) {
      const next = running.then(() => {
        this.queued = null
        return this.askGit()
      })
      this.queued = next
      return next
    }
    return this.askGit()
  }

  private askGit(): Promise<void> {
    const run: Promise<void> = trackedDefaultFolders(this.root, DEFAULT_IGNORED_NAMES)
      .then((found) => this.setTracked(found))
      .catch(() => undefined)
      .finally(() => {
        if (this.inFlight === run) this.inFlight = null
      })
    this.inFlight = run
    return run
  }

  private setTracked(found: ReadonlySet<string>): void {
    // What checks so far assumed: the last answer, or nothing tracked if one ran before any.
    const before = this.tracked ?? (this.usedDefaults ? EMPTY : null)
    this.tracked = found
    if (before === null || sameSet(before, found)) return
    this.dirVerdicts.clear()
    for (const l of [...this.trackedListeners]) {
      try {
        l()
      } catch {
        // One consumer's failure must not keep the others on stale verdicts.
      }
    }
  }

  /** The decision for component `j` of `parts` alone (the folders above it are not excluded). */
  private decide(parts: string[], j: number, isDir: boolean): IgnoreVerdict | null {
    const name = parts[j] ?? ''
    if (ALWAYS_HIDDEN.has(name)) return { reason: `${IGNORED_PREFIX}default (${name})`, quiet: true }
    const upTo = parts.slice(0, j + 1).join('/')
    const probe = isDir ? `${upTo}/` : upTo
    if (this.exclude) {
      const r = this.exclude.test(probe)
      if (r.ignored)
        return {
          reason: `${IGNORED_PREFIX}setting ${EXCLUDE_SETTING} (${r.rule?.pattern ?? ''})`,
          quiet: false,
        }
    }
    // Each ignore file, deepest folder first: the first that has a matching pattern decides.
    for (const file of IGNORE_FILE_NAMES) {
      for (let i = j; i >= 0; i--) {
        const dir = parts.slice(0, i).join('/')
        const ig = this.rulesFor(dir, file)
        if (!ig) continue
        const sub = parts.slice(i, j + 1).join('/')
        const r = ig.test(isDir ? `${sub}/` : sub)
        if (r.ignored) {
          const where = dir ? `${dir}/${file}` : file
          return { reason: `${IGNORED_PREFIX}${where} (${r.rule?.pattern ?? ''})`, quiet: false }
        }
        if (r.unignored) return null
      }
    }
    if (DEFAULT_IGNORED_NAMES.has(name) && !this.trackedFolders().has(upTo))
      return { reason: `${IGNORED_PREFIX}default (${name}, not tracked by git)`, quiet: false }
    return null
  }

  private trackedFolders(): ReadonlySet<string> {
    if (this.tracked) return this.tracked
    // Never git synchronously here (see the class comment): every default applies until the
    // answer comes, and setTracked tells the listeners if it changes that.
    this.usedDefaults = true
    if (!this.fixedTracked && !this.inFlight) void this.refreshTracked()
    return EMPTY
  }

  /** Recompiles the exclude globs when the setting's list changed (compared by content). */
  private refreshExcludes(): void {
    const list = this.options.excludes?.() ?? []
    const prev = this.excludeSource
    if (prev === list) return
    if (prev && prev.length === list.length && prev.every((p, i) => p === list[i])) {
      this.excludeSource = list
      return
    }
    this.excludeSource = list
    this.exclude = list.length > 0 ? ignore().add([...list]) : null
    this.dirVerdicts.clear()
  }

  private rulesFor(dir: string, file: string): Ignore | null {
    const key = `${dir}\0${file}`
    if (this.perDir.has(key)) return this.perDir.get(key) ?? null
    let ig: Ignore | null = null
    try {
      ig = ignore().add(readFileSync(join(this.root, dir, file), 'utf8'))
    } catch {
      ig = null
    }
    this.perDir.set(key, ig)
    return ig
  }
}

const EMPTY: ReadonlySet<string> = new Set()

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false
  for (const x of a) if (!b.has(x)) return false
  return true
}
