import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ignore, { type Ignore } from 'ignore'
import { trackedDefaultFolders, trackedDefaultFoldersSync } from './gitTracked'

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
   * user's `git` (`git ls-files`) once, on first use or at `prepare()`; no git or no repository
   * means none is tracked, so every default applies.
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
 */
export class IgnoreRules {
  private readonly perDir = new Map<string, Ignore | null>()
  /** Verdicts of folders (every path component but the last), which most checks share. */
  private readonly dirVerdicts = new Map<string, IgnoreVerdict | null>()
  private tracked: ReadonlySet<string> | null
  private readonly fixedTracked: boolean
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
   * Asks git which default-named folders it tracks without blocking the thread (the first check
   * would otherwise ask synchronously). Safe to skip, and to call again after `invalidate()`.
   */
  async prepare(): Promise<void> {
    if (this.tracked) return
    const found = await trackedDefaultFolders(this.root, DEFAULT_IGNORED_NAMES)
    if (!this.tracked) {
      this.tracked = found
      this.dirVerdicts.clear()
    }
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
   * without an argument, of every folder. Either way git is asked again which folders it tracks
   * (a `git add build/` shows at the next ignore-file edit, not only at the next open).
   */
  invalidate(dir?: string): void {
    this.dirVerdicts.clear()
    if (!this.fixedTracked) this.tracked = null
    if (dir === undefined) this.perDir.clear()
    else for (const file of IGNORE_FILE_NAMES) this.perDir.delete(`${dir}\0${file}`)
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
    this.tracked ??= trackedDefaultFoldersSync(this.root, DEFAULT_IGNORED_NAMES)
    return this.tracked
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
