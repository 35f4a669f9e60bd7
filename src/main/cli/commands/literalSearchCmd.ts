import { HearthError } from '@shared/errors'
import { IgnoreRules } from '../../core/files/ignoreRules'
import { canonicalRoot } from '../../core/index/indexLocation'
import { DEFAULT_MAX_MATCHES, LiteralSearch } from '../../core/index/literal/literalSearch'
import { intOption } from '../command'

/** The flags `hearth search --mode literal` reads (parsed by searchCmd.ts with the others). */
export interface LiteralFlags {
  workspace?: string | undefined
  limit?: string | undefined
  json?: boolean | undefined
  regex?: boolean | undefined
  'case-sensitive'?: boolean | undefined
  word?: boolean | undefined
  glob?: string[] | undefined
  path?: string | undefined
  exclude?: string[] | undefined
}

/**
 * `hearth search --mode literal`: the app's literal search on the folder's files (the walk with
 * the index's ignore rules; binary, oversized and minified files left out as the index does), one
 * result per matching line in the JSON shape of the other modes: `startLine` = `endLine` = the
 * line, `score` = matches on it, `snippet` = the line, plus `ranges` (UTF-16 columns, from 0).
 */
export async function runLiteralSearch(flags: LiteralFlags, query: string): Promise<number> {
  const root = canonicalRoot(flags.workspace ?? process.cwd())
  const maxMatches = intOption(flags.limit, 'limit', 1, 100_000) ?? DEFAULT_MAX_MATCHES
  const rules = new IgnoreRules(root)
  // One walk, nothing to re-apply it: wait for git's answer on tracked folders before it starts.
  await rules.prepare()
  const search = new LiteralSearch({
    root: () => root,
    rules: () => rules,
    includeSecretFiles: () => false,
    indexedPaths: () => Promise.resolve(null),
  })
  try {
    const include = [...(flags.glob ?? []), ...(flags.path ? [flags.path] : [])].join(',')
    const r = await search.search(
      {
        query,
        regex: flags.regex ?? false,
        caseSensitive: flags['case-sensitive'] ?? false,
        wholeWord: flags.word ?? false,
        ...(include ? { include } : {}),
        ...(flags.exclude?.length ? { exclude: flags.exclude.join(',') } : {}),
        maxMatches,
      },
      null,
    )
    const results = (r.files ?? []).flatMap((f) =>
      f.lines.map((l) => ({
        path: f.path,
        startLine: l.line,
        endLine: l.line,
        score: l.ranges.length,
        snippet: l.text,
        ranges: l.ranges.map(([s, e]) => [s + l.offset, e + l.offset]),
      })),
    )
    if (flags.json) process.stdout.write(`${JSON.stringify({ results, ms: r.ms })}\n`)
    else {
      for (const x of results)
        process.stdout.write(`${x.path}:${x.startLine}:${(x.ranges[0]?.[0] ?? 0) + 1}: ${x.snippet}\n`)
      if (results.length === 0) process.stdout.write('no results\n')
    }
    if (r.truncated)
      process.stderr.write(`hearth search: stopped at ${maxMatches} matches; --limit N raises it\n`)
    return 0
  } catch (err) {
    if (err instanceof HearthError && err.code === 'invalid_argument') {
      process.stderr.write(`hearth search: ${err.message}\n`)
      return 2
    }
    throw err
  } finally {
    await search.dispose()
  }
}
