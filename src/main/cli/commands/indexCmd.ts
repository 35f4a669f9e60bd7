import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Settings } from '@shared/settings/schema'
import { defaultDataDir } from '../../core/files/dataDir'
import { SettingsService } from '../../core/settings/settingsService'
import { createEmbedder, EMBEDDER_NAMES } from '../../core/inference/createEmbedder'
import type { Embedder } from '../../core/inference/embedder'
import type { RoutingServices } from '../../core/router/routingServices'
import { canonicalRoot, indexDirFor, indexDiskUsage } from '../../core/index/indexLocation'
import { IGNORED_PREFIX, IgnoreRules } from '../../core/files/ignoreRules'
import { formatBytes } from '../../core/index/store/diskSpace'
import { describeError, STORE_ERROR, storeReasonOf, writeFailureOf } from '../../core/index/store/storeErrors'
import type { IndexProgress } from '../../core/index/indexer'
import { WorkspaceIndex } from '../../core/index/workspaceIndex'
import { type Command, parse, UsageError } from '../command'
import { commandRouting } from './commandRouting'
import { ProgressLine } from './progressLine'

export const indexCommand: Command = {
  name: 'index',
  summary: 'index a folder for code search (full-text + embeddings)',
  usage: [
    'Usage: hearth index <dir> [--db DIR] [--embedder NAME] [--json] [--force] [--no-wait]',
    '',
    'Brings the index of <dir> up to date: new and changed files are chunked and full-text',
    'searchable at once; embeddings follow. By default the command returns when the embeddings',
    'are done too; --no-wait leaves them to the app.',
    '',
    '  --db DIR         index data directory (default: one per workspace in the user data dir)',
    `  --embedder NAME  ${EMBEDDER_NAMES.join(' | ')}: overrides the settings' embedding route`,
    "                   (default: the active profile's, as in the app: its first reachable tier;",
    '                   hash is built in and needs no server); remote ones read HEARTH_EMBED_URL /',
    '                   HEARTH_EMBED_MODEL / HEARTH_EMBED_TOKEN',
    '  --json           print a JSON summary: {"files","chunks","skipped":[{"path","reason"}],"ms","diskBytes"};',
    '                   skipped includes what ignore rules left out ("ignored by .gitignore (*.log)")',
    '  --force          rebuild the full-text index from nothing: a new empty database, every file',
    '                   chunked again (vectors are kept: they are cached by chunk text)',
    '  --no-wait        do not wait for the embedding backlog',
    '',
    'Exits 1 when the disk cannot take the index (full, read-only: the index is kept as it was) or',
    'when no file could be stored.',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parse(argv, {
      db: { type: 'string' },
      embedder: { type: 'string' },
      json: { type: 'boolean' },
      force: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
    })
    if (positionals.length !== 1) throw new UsageError('expected exactly one folder to index')
    const dir = resolve(positionals[0] ?? '.')
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`not a folder: ${dir}`)
    const name = values.embedder
    if (name !== undefined && !(EMBEDDER_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--embedder must be one of ${EMBEDDER_NAMES.join(', ')}`)
    }
    const routing = name === undefined ? await commandRouting() : undefined
    // What the app would index: the user's opt-in for secret-looking files applies here too.
    const indexSettings = (routing?.settings.settings ?? (await userSettings())).index
    const includeSecrets = indexSettings.includeSecretFiles
    const root = canonicalRoot(dir)
    // The app's rules: .hearthignore, .gitignore, the user's index.exclude, untracked defaults.
    const rules = new IgnoreRules(root, { excludes: () => indexSettings.exclude })
    await rules.prepare()
    const dbDir = values.db ? resolve(values.db) : indexDirFor(root)
    const t0 = performance.now()
    const bar = new ProgressLine(process.stderr)
    const opening = WorkspaceIndex.open({
      root,
      dbDir,
      fresh: values.force ?? false,
      oneCommand: true,
      rules,
      includeSecretFiles: () => includeSecrets,
      embedder: routing
        ? await routedEmbedder(routing).catch(disposing(routing))
        : createEmbedder(name ?? 'hash'),
      onProgress: (p: IndexProgress) => {
        if (p.phase === 'scanning') bar.update('scanning…')
        else if (p.phase === 'indexing') bar.update(`indexing`, p.done, p.total, `${p.chunksAdded} chunks`)
      },
      onEmbedState: (s) => {
        if (s.status === 'unavailable') bar.update(`embeddings unavailable: ${s.reason ?? ''}`)
        else if (s.status === 'building') bar.update('building the vector index…')
      },
    }).catch(disposing(routing))
    const idx = await opening.catch(storeTrouble(dbDir))
    if (!idx) return 1
    try {
      const { rebuilt, reindexed } = idx.store.opened
      if (rebuilt) {
        process.stderr.write(
          `hearth index: the index at ${dbDir} was damaged or unreadable (${rebuilt.reason}); set aside to ${rebuilt.setAsideTo} and rebuilt\n`,
        )
      }
      if (reindexed) process.stderr.write(`hearth index: damaged indexes rebuilt: ${reindexed.join(', ')}\n`)
      const summary = await idx.fullScan(undefined, values.force ?? false).catch(storeTrouble(dbDir))
      if (!summary) return 1
      let embedNote: string | null = null
      if (!values['no-wait'] && idx.queue) {
        const total = (await idx.stats()).pending
        const timer = setInterval(() => {
          void idx.stats().then((s) => bar.update('embedding', total - s.pending, total))
        }, 250)
        const state = await idx.waitForEmbeddings().finally(() => clearInterval(timer))
        if (state?.status === 'unavailable')
          embedNote = `embeddings not done: ${state.reason ?? 'embedder unavailable'} (full-text search works)`
      }
      bar.done()
      const stats = await idx.stats()
      const ms = Math.round(performance.now() - t0)
      const disk = indexDiskUsage(dbDir)
      if (embedNote) process.stderr.write(`hearth index: ${embedNote}\n`)
      if (values.json) {
        process.stdout.write(
          `${JSON.stringify({ files: stats.files, chunks: stats.chunks, skipped: summary.skipped, ms, indexed: summary.indexed, removed: summary.removed, pendingEmbeddings: stats.pending, embedder: stats.embedder, diskBytes: disk.bytes })}\n`,
        )
      } else {
        const aside = disk.setAside.map((c) => `${formatBytes(c.bytes)} of it a damaged copy at ${c.path}`)
        // Left out by an ignore rule (node_modules, a .gitignore pattern) is normal: counted per
        // rule; every other skip (unreadable, too large, a secret) is listed.
        const ignored = summary.skipped.filter((s) => s.reason.startsWith(IGNORED_PREFIX))
        const other = summary.skipped.filter((s) => !s.reason.startsWith(IGNORED_PREFIX))
        process.stdout.write(
          `indexed ${root}: ${stats.files} files, ${stats.chunks} chunks (${summary.indexed} new or changed, ${summary.removed} removed), ` +
            `${other.length} skipped, ${ignored.length} ignored, ${stats.pending} embeddings pending, ${ms} ms\n` +
            `index: ${dbDir} (${[`${formatBytes(disk.bytes)} on disk`, ...aside].join('; ')})\n`,
        )
        for (const s of other.slice(0, 20)) process.stdout.write(`  skipped ${s.path}: ${s.reason}\n`)
        if (other.length > 20) process.stdout.write(`  … and ${other.length - 20} more (--json lists all)\n`)
        for (const [reason, n] of countBy(ignored.map((s) => s.reason)).slice(0, 10))
          process.stdout.write(`  ${reason}: ${n} ${n === 1 ? 'path' : 'paths'}\n`)
      }
      // Every file that needed writing failed to be stored: the index did not move, say so.
      const unstored = summary.skipped.filter((s) => s.reason.startsWith(STORE_ERROR))
      if (summary.indexed === 0 && unstored.length > 0) {
        process.stderr.write(
          `hearth index: nothing could be stored (${unstored.length} files failed, the first: ${unstored[0]?.reason.slice(STORE_ERROR.length)})\n`,
        )
        return 1
      }
      return 0
    } finally {
      bar.done()
      await idx.close()
      await routing?.dispose()
    }
  },
}

/**
 * A failure of the index's disk (full, read-only) or data (damaged, started anew): said in a
 * sentence with what to do, and the command exits 1 (the caller returns on `undefined`). Anything
 * else is rethrown.
 */
function storeTrouble(dbDir: string): (err: unknown) => undefined {
  return (err: unknown) => {
    const reason = storeReasonOf(err) ?? writeFailureOf(err)
    if (!reason) throw err
    let message = describeError(err)
    if (reason === 'disk_full' && !/disk is full/.test(message)) message = `the disk is full: ${message}`
    const kept = /kept as it was/.test(message) ? '' : `The index at ${dbDir} is kept as it was: `
    const todo =
      reason === 'index_damaged'
        ? 'Run `hearth index` again to index every file.'
        : `${kept}${reason === 'disk_full' ? 'free some space on its disk' : 'make it writable'} and run \`hearth index\` again.`
    process.stderr.write(`hearth index: ${message}. ${todo.charAt(0).toUpperCase()}${todo.slice(1)}\n`)
    return undefined
  }
}

/** Lets go of the routing (its HTTP client, its settings) when the step after it failed. */
function disposing(routing: RoutingServices | undefined): (err: unknown) => Promise<never> {
  return async (err: unknown) => {
    await routing?.dispose()
    throw err
  }
}

/**
 * The embedding route's embedder, as the app picks it: one health check of each endpoint, then
 * the first usable tier, pinned (an index's vectors never change model). Nothing usable: none,
 * and the index is full-text only until one is.
 */
async function routedEmbedder(routing: RoutingServices): Promise<Embedder | null> {
  await routing.router.checkAll()
  return routing.router.tierEmbedder() ?? null
}

/** Each distinct value with how often it occurs, most frequent first. */
function countBy(values: string[]): [string, number][] {
  const m = new Map<string, number>()
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1)
  return [...m.entries()].sort((a, b) => b[1] - a[1])
}

/** The user's settings as the app reads them (for a run that loads no routing). */
async function userSettings(): Promise<Settings> {
  const svc = await SettingsService.open({
    userFile: join(defaultDataDir(), 'settings.json'),
    watchIntervalMs: 0,
  })
  try {
    return svc.settings
  } finally {
    svc.dispose()
  }
}
