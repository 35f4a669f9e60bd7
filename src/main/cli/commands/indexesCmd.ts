import type { IndexEntry } from '@shared/contract/indexes'
import { defaultDataDir } from '../../core/files/dataDir'
import { gcIndexes, listIndexes, removeIndex, resolveIndexId } from '../../core/index/indexRegistry'
import { formatBytes } from '../../core/index/store/diskSpace'
import { RecentFolders } from '../../core/workspace/recentFolders'
import { type Command, intOption, parse, UsageError } from '../command'

const USAGE = [
  'Usage: hearth indexes list [--json]',
  '       hearth indexes rm <folder | id>',
  '       hearth indexes gc [--older-than DAYS] [--missing] [--json]',
  '',
  'Hearth keeps one index per folder it ever opened, in <data dir>/indexes.',
  '',
  '  list          each index: its folder, size on disk, files, last use, whether the folder',
  '                still exists and whether a running Hearth has it open',
  '  rm            remove the index of a folder (or of an id from `list`); an index in use is',
  '                refused: close the window or command that has it open first',
  '  gc            remove the indexes of folders not opened for more than DAYS days',
  '                (--older-than) and/or of folders that no longer exist (--missing)',
  '',
  'The setting index.removeUnusedAfterDays does what `gc --older-than` does at each app start.',
  'Environment: HEARTH_DATA_DIR.',
].join('\n')

/** `hearth indexes`: what the indexes of every folder ever opened cost, and removing them. */
export const indexesCommand: Command = {
  name: 'indexes',
  summary: 'list, remove and clean up the indexes of folders opened before',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      json: { type: 'boolean' },
      'older-than': { type: 'string' },
      missing: { type: 'boolean' },
    })
    const [verb, arg, ...extra] = positionals
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const dataDir = defaultDataDir()
    const known = await new RecentFolders(dataDir).list().catch(() => [])
    switch (verb) {
      case 'list':
      case undefined: {
        if (arg !== undefined) throw new UsageError('list takes no folder')
        const list = listIndexes(dataDir, known)
        if (values.json) {
          process.stdout.write(`${JSON.stringify(list)}\n`)
          return 0
        }
        if (list.indexes.length === 0) {
          process.stdout.write(`no indexes in ${list.dir}\n`)
          return 0
        }
        for (const e of list.indexes) process.stdout.write(`${line(e)}\n`)
        const n = list.indexes.length
        process.stdout.write(
          `${formatBytes(list.totalBytes)} in ${n} ${n === 1 ? 'index' : 'indexes'} (${list.dir})\n`,
        )
        return 0
      }
      case 'rm': {
        if (arg === undefined)
          throw new UsageError('rm needs a folder or an index id (see `hearth indexes list`)')
        const id = resolveIndexId(dataDir, arg)
        const entry = listIndexes(dataDir, known).indexes.find((e) => e.id === id)
        const { freedBytes } = removeIndex(dataDir, id)
        process.stdout.write(
          `removed the index of ${entry?.folder ?? id}: ${formatBytes(freedBytes)} freed\n`,
        )
        return 0
      }
      case 'gc': {
        if (arg !== undefined) throw new UsageError('gc takes no folder')
        const days = intOption(values['older-than'], 'older-than', 0, 36500)
        if (days === undefined && !values.missing)
          throw new UsageError('say what to remove: --older-than DAYS, --missing, or both')
        const r = gcIndexes(dataDir, {
          olderThanDays: days ?? null,
          missing: values.missing ?? false,
          knownFolders: known,
        })
        if (values.json) {
          process.stdout.write(
            `${JSON.stringify({ removed: r.removed, kept: r.kept.map((k) => ({ ...k.entry, reason: k.reason })), freedBytes: r.freedBytes })}\n`,
          )
          return 0
        }
        for (const e of r.removed) process.stdout.write(`removed ${line(e)}\n`)
        for (const k of r.kept) process.stdout.write(`kept ${k.entry.folder ?? k.entry.id}: ${k.reason}\n`)
        const n = r.removed.length
        process.stdout.write(
          n === 0
            ? 'nothing to remove\n'
            : `${formatBytes(r.freedBytes)} freed (${n} ${n === 1 ? 'index' : 'indexes'} removed)\n`,
        )
        return 0
      }
      default:
        throw new UsageError(`unknown action "${verb}": list, rm or gc`)
    }
  },
}

/** "3f2a…  12.3 MB  1,234 files  used 2026-12-07  /path/to/folder  (folder gone)". */
function line(e: IndexEntry): string {
  const notes = [
    e.folder !== null && !e.folderExists ? 'folder gone' : null,
    e.inUse ? `in use by pid ${e.inUse.pid}` : null,
  ].filter((x) => x !== null)
  const used =
    e.lastUsedAt === null
      ? 'never used'
      : `used ${new Date(e.lastUsedAt).toISOString().slice(0, 10)}${e.lastUsedKnown === 'estimated' ? '?' : ''}`
  const files = e.files === null ? '? files' : `${e.files.toLocaleString('en-US')} files`
  return [
    e.id,
    formatBytes(e.bytes).padStart(8),
    files.padStart(12),
    used,
    e.folder ?? '(folder unknown: made by an older Hearth)',
    notes.length > 0 ? `(${notes.join(', ')})` : '',
  ]
    .join('  ')
    .trimEnd()
}
