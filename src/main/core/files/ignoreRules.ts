import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ignore, { type Ignore } from 'ignore'

/**
 * Names never shown or indexed, whatever .gitignore says: VCS metadata, dependency folders and
 * common build outputs. One list, shared by the explorer, quick open, the watcher and the indexer.
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
 * Nested .gitignore evaluation. Each directory's .gitignore applies to paths below it, relative
 * to that directory, as git does. Files are read lazily and cached; call `invalidate` when a
 * .gitignore changes.
 */
export class IgnoreRules {
  private readonly perDir = new Map<string, Ignore | null>()

  constructor(private readonly root: string) {}

  /** `rel` is workspace-relative, `/`-separated; `isDir` matters for patterns ending in `/`. */
  isIgnored(rel: string, isDir: boolean): boolean {
    if (rel === '') return false
    const parts = rel.split('/')
    for (const p of parts) if (DEFAULT_IGNORED_NAMES.has(p)) return true
    // Git semantics: walk the path one component at a time; a component is decided by the
    // deepest .gitignore with a matching rule (so a nested `!keep.log` beats the root's `*.log`),
    // and an excluded directory hides everything below it.
    for (let j = 0; j < parts.length; j++) {
      const last = j === parts.length - 1
      if (this.decide(parts, j, last ? isDir : true)) return true
    }
    return false
  }

  private decide(parts: string[], j: number, isDir: boolean): boolean {
    for (let i = j; i >= 0; i--) {
      const ig = this.rulesFor(parts.slice(0, i).join('/'))
      if (!ig) continue
      const sub = parts.slice(i, j + 1).join('/')
      const r = ig.test(isDir ? `${sub}/` : sub)
      if (r.ignored) return true
      if (r.unignored) return false
    }
    return false
  }

  /** Forget cached rules for the directory holding a changed .gitignore ('' for the root). */
  invalidate(dir?: string): void {
    if (dir === undefined) this.perDir.clear()
    else this.perDir.delete(dir)
  }

  private rulesFor(dir: string): Ignore | null {
    if (this.perDir.has(dir)) return this.perDir.get(dir) ?? null
    let ig: Ignore | null = null
    try {
      const text = readFileSync(join(this.root, dir, '.gitignore'), 'utf8')
      ig = ignore().add(text)
    } catch {
      ig = null
    }
    this.perDir.set(dir, ig)
    return ig
  }
}
