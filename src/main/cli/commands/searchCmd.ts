import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { HearthError } from '@shared/errors'
import { DEFAULT_SEARCH, type SearchOptions } from '../../core/index/hybridSearch'
import { canonicalRoot, indexDirFor } from '../../core/index/indexLocation'
import { describeError, storeReasonOf } from '../../core/index/store/storeErrors'
import { openSearchTarget, type SearchAnswer } from '../searchTarget'
import { type Command, intOption, parse, UsageError } from '../command'
import { LITERAL_USAGE } from './literalUsage'

const MODES = ['hybrid', 'vector', 'fts'] as const

export const searchCommand: Command = {
  name: 'search',
  summary: 'search an indexed folder (hybrid, vector or full-text), or any folder for exact text',
  usage: [
    'Usage: hearth search [--db DIR] [--workspace DIR] [--mode hybrid|vector|fts] [--limit N] [--json] <query>',
    '       hearth search --mode literal [--regex] [--case-sensitive] [--word] [--glob G] [--json] <text>',
    '       hearth search --queries FILE [--db DIR] [--mode M] [--limit N]',
    '',
    '  --db DIR         index data directory (default: the index of --workspace in the user data dir)',
    '  --workspace DIR  the indexed folder (default: the current directory)',
    '  --mode M         hybrid (default), vector, fts or literal',
    ...LITERAL_USAGE,
    '  --limit N        results (default 10)',
    '  --json           {"results":[{"path","startLine","endLine","score","snippet"}],"ms"}',
    '  --queries FILE   one query per line; prints one JSON line per query: {"query","results"}',
    '  --path GLOB      only files matching GLOB (e.g. "src/**", "*.ts")',
    '  --lang LANG      only this language (typescript, python, go, …); repeatable',
    '  --per-file N     at most N results per file (default 2)',
    '  --fusion F       weighted (default: 70 % vector + 30 % full-text) or rrf (reciprocal rank)',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parse(argv, {
      db: { type: 'string' },
      workspace: { type: 'string' },
      mode: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      queries: { type: 'string' },
      path: { type: 'string' },
      lang: { type: 'string', multiple: true },
      'per-file': { type: 'string' },
      fusion: { type: 'string' },
      regex: { type: 'boolean' },
      'case-sensitive': { type: 'boolean' },
      word: { type: 'boolean' },
      glob: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
    })
    const mode = values.mode ?? 'hybrid'
    if (mode === 'literal') {
      if (positionals.length === 0) throw new UsageError('missing query')
      // Loaded only for this mode: the literal search's walker and worker pool are not a ranked
      // search's start-up cost.
      const { runLiteralSearch } = await import('./literalSearchCmd')
      return runLiteralSearch(values, positionals.join(' '))
    }
    if (!(MODES as readonly string[]).includes(mode))
      throw new UsageError('--mode must be hybrid, vector, fts or literal')
    const fusion = values.fusion ?? DEFAULT_SEARCH.fusion
    if (fusion !== 'rrf' && fusion !== 'weighted') throw new UsageError('--fusion must be rrf or weighted')
    const opts: Partial<SearchOptions> = {
      mode: mode as SearchOptions['mode'],
      limit: intOption(values.limit, 'limit', 1, 1000) ?? 10,
      maxPerFile: intOption(values['per-file'], 'per-file', 1, 1000) ?? 2,
      fusion,
    }
    if (values.path) opts.pathGlob = values.path
    if (values.lang?.length) opts.languages = values.lang
    let queries: string[]
    if (values.queries) {
      if (positionals.length > 0) throw new UsageError('give either --queries FILE or a query, not both')
      queries = readFileSync(values.queries, 'utf8')
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
    } else {
      if (positionals.length === 0) throw new UsageError('missing query')
      queries = [positionals.join(' ')]
    }
    const root = canonicalRoot(values.workspace ?? process.cwd())
    const dbDir = values.db ? resolve(values.db) : indexDirFor(root)
    if (!existsSync(join(dbDir, 'pg'))) {
      throw new HearthError(
        'not_found',
        `no index at ${dbDir}: run \`hearth index ${values.db ? `<dir> --db ${dbDir}` : root}\` first`,
      )
    }
    const reindex = `hearth index ${values.db ? `<dir> --db ${dbDir}` : root}`
    // The Hearth process that holds this index answers when there is one; else it opens here.
    const idx = await openSearchTarget({ root, dbDir, reindex, fullTextOnly: mode === 'fts' })
    try {
      const lean = (
        r: SearchAnswer,
      ): { path: string; startLine: number; endLine: number; score: number; snippet: string }[] =>
        r.results.map((x) => ({
          path: x.path,
          startLine: x.startLine,
          endLine: x.endLine,
          score: x.score,
          snippet: x.snippet,
        }))
      const notices = new Set<string>()
      // An empty index, or one still being indexed by the process that holds it.
      const note = await idx.notice()
      if (note) notices.add(note)
      if (values.queries) {
        for (const q of queries) {
          const r = await idx.search(q, opts)
          if (r.notice) notices.add(r.notice)
          process.stdout.write(
            `${JSON.stringify({ query: q, results: lean(r), ...(r.weak ? { weak: true } : {}) })}\n`,
          )
        }
      } else {
        const r = await idx.search(queries[0] ?? '', opts)
        if (r.notice) notices.add(r.notice)
        if (values.json)
          process.stdout.write(
            `${JSON.stringify({ results: lean(r), ...(r.weak ? { weak: true } : {}), ms: r.ms })}\n`,
          )
        else {
          for (const x of r.results) {
            process.stdout.write(`${x.path}:${x.startLine}-${x.endLine}  (${x.score})\n`)
            for (const [i, l] of x.snippet.split('\n').entries())
              process.stdout.write(`  ${String(x.snippetLine + i).padStart(5)}  ${l}\n`)
          }
          if (r.results.length === 0) process.stdout.write('no results\n')
        }
      }
      for (const n of notices) process.stderr.write(`hearth search: ${n}\n`)
      return 0
    } catch (err) {
      // Damage the search ran into that could not be mended in place: the store started anew,
      // and only indexing fills it again.
      if (storeReasonOf(err) !== 'index_damaged') throw err
      process.stderr.write(
        `hearth search: ${describeError(err)}. Run \`${reindex}\` to index the files again.\n`,
      )
      return 1
    } finally {
      await idx.close()
    }
  },
}
