import type { LiteralFile, LiteralPattern, LiteralSummary } from '@shared/contract/literalSearch'
import { HearthError } from '@shared/errors'
import type { Disposable } from '../../base/lifecycle'
import type { IgnoreRules } from '../../files/ignoreRules'
import { realRoot } from '../../files/openInside'
import { walkWorkspace } from '../../files/walkWorkspace'
import { globToRegExp } from '../query'
import { type CompiledPattern, compilePattern } from './literalMatcher'
import { LiteralPool } from './literalPool'

/** VS Code's default limit: past it a search says so instead of growing without end. */
export const DEFAULT_MAX_MATCHES = 20_000

/** Where literal search gets its files (narrow on purpose: the app wires the workspace and index). */
export interface LiteralSources {
  /** The open folder, or null. */
  root(): string | null
  rules(): IgnoreRules | null
  /** The user's index.includeSecretFiles (the index's rule for `.env` and keys). */
  includeSecretFiles(): boolean
  /** The files the index holds, or null while it cannot say (opening, first scan, no index). */
  indexedPaths(): Promise<string[] | null>
}

export type LiteralSearchArgs = LiteralPattern & { maxMatches?: number | undefined }

/**
 * Literal and regex search over the workspace's files: the index's file list (so its ignore
 * rules, secret rule and the files it leaves out apply), filtered by the include and exclude
 * globs, read and matched by worker threads (literalPool.ts). Files are handed over as found.
 */
export class LiteralSearch implements Disposable {
  private readonly pool: LiteralPool

  constructor(
    private readonly sources: LiteralSources,
    pool?: LiteralPool,
  ) {
    this.pool = pool ?? new LiteralPool()
  }

  /**
   * Runs one search; `onFiles` gets each group of files with matches as soon as a thread finds
   * them (the result then holds only counts), or, without it, the result holds them all by path.
   */
  async search(
    args: LiteralSearchArgs,
    onFiles: ((files: LiteralFile[]) => void) | null,
    signal?: AbortSignal,
  ): Promise<LiteralSummary> {
    const t0 = performance.now()
    const pattern = patternOf(args)
    const root = this.sources.root()
    if (!root) throw new HearthError('unavailable', 'no folder is open')
    const { paths, source } = await this.files(root, args, signal)
    const max = args.maxMatches ?? DEFAULT_MAX_MATCHES
    const kept: LiteralFile[] = []
    let matches = 0
    let fileCount = 0
    let cut = false
    const run = await this.pool.run({
      root,
      realRoot: await realRoot(root),
      paths,
      pattern,
      maxMatches: max,
      signal,
      onResult: (r) => {
        // Threads run side by side, each within what was left when it started: the exact limit
        // is kept here, where their answers meet.
        const group: LiteralFile[] = []
        for (const f of r.files) {
          const lines = []
          for (const l of f.lines) {
            if (matches >= max) {
              cut = true
              break
            }
            const ranges = l.ranges.slice(0, max - matches)
            if (ranges.length < l.ranges.length) cut = true
            matches += ranges.length
            lines.push({ ...l, ranges })
          }
          if (lines.length === 0) continue
          group.push({ path: f.path, lines })
          fileCount++
        }
        if (group.length === 0) return
        if (onFiles) onFiles(group)
        else kept.push(...group)
      },
    })
    const summary: LiteralSummary = {
      searched: run.searched,
      matches,
      fileCount,
      truncated: cut || run.truncated,
      source,
      ms: Math.round(performance.now() - t0),
    }
    if (!onFiles) summary.files = kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    return summary
  }

  /** The candidates: the index's list when it has one, else a walk with the same rules. */
  private async files(
    root: string,
    args: LiteralPattern,
    signal: AbortSignal | undefined,
  ): Promise<{ paths: string[]; source: 'index' | 'walk' }> {
    let paths = await this.sources.indexedPaths()
    let source: 'index' | 'walk' = 'index'
    if (!paths) {
      const rules = this.sources.rules()
      if (!rules) throw new HearthError('unavailable', 'no folder is open')
      const walked = await walkWorkspace(root, rules, signal, {
        includeSecretFiles: this.sources.includeSecretFiles(),
      })
      paths = walked.files.map((f) => f.path)
      source = 'walk'
    }
    const keep = globFilter(args.include, args.exclude)
    return { paths: paths.filter(keep).sort(), source }
  }

  dispose(): Promise<void> {
    return this.pool.dispose()
  }
}

/** The search as a RegExp, or the reason a regex is not valid, in words. */
export function patternOf(args: LiteralPattern): CompiledPattern {
  try {
    return compilePattern(args)
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).replace(
      /^Invalid regular expression: \/.*\/[a-z]*: /s,
      '',
    )
    throw new HearthError('invalid_argument', `"${args.query}" is not a valid regular expression: ${why}`, {
      reason: 'bad_request',
    })
  }
}

/** Comma-separated globs (as VS Code's "files to include / exclude"), a name matching at any depth. */
export function globFilter(include?: string, exclude?: string): (path: string) => boolean {
  const list = (s: string | undefined): RegExp[] =>
    (s ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '')
      .map((g) => new RegExp(globToRegExp(g)))
  const inc = list(include)
  const exc = list(exclude)
  return (p) => (inc.length === 0 || inc.some((r) => r.test(p))) && !exc.some((r) => r.test(p))
}
