import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { indexDirFor } from './indexLocation'
import { readIndexMeta, recordIndexUse } from './indexMeta'
import { gcIndexes, indexesDir, listIndexes, removeIndex, resolveIndexId } from './indexRegistry'
import { DataDirLock } from './store/dataDirLock'

/** A data directory with an index for each folder: a few real files where the databases go. */
function setUp(): { dataDir: string; folder: (name: string) => string; index: (f: string) => string } {
  const base = mkdtempSync(join(tmpdir(), 'hearth-registry-'))
  const dataDir = join(base, 'data')
  return {
    dataDir,
    folder: (name) => {
      const f = join(base, name)
      mkdirSync(f, { recursive: true })
      return f
    },
    index: (f) => {
      const dir = indexDirFor(f, dataDir)
      mkdirSync(join(dir, 'pg'), { recursive: true })
      writeFileSync(join(dir, 'pg', 'PG_VERSION'), 'x'.repeat(1000))
      return dir
    },
  }
}

describe('the index registry', () => {
  it('lists an index with its record, and one from before the record by the recent folders', async () => {
    const { dataDir, folder, index } = setUp()
    const a = folder('a')
    const b = folder('b')
    await recordIndexUse(index(a), a, 12)
    index(b) // made by an older Hearth: no record
    const unknownDir = index(folder('c'))
    const l = listIndexes(dataDir, [b])
    const byFolder = new Map(l.indexes.map((e) => [e.folder, e]))
    expect(byFolder.get(a)).toMatchObject({ files: 12, lastUsedKnown: 'recorded', folderExists: true })
    expect(byFolder.get(b)).toMatchObject({ files: null, lastUsedKnown: 'estimated', folderExists: true })
    expect(byFolder.get(null)?.id).toBe(basename(unknownDir))
    expect(l.totalBytes).toBeGreaterThanOrEqual(3000)
    // A later open keeps the file count of the last scan.
    await recordIndexUse(indexDirFor(a, dataDir), a)
    expect(readIndexMeta(indexDirFor(a, dataDir))?.files).toBe(12)
  })

  it('a lock left by a process that is gone holds nothing; a live one refuses the removal', async () => {
    const { dataDir, folder, index } = setUp()
    const a = folder('a')
    const dir = index(a)
    await recordIndexUse(dir, a)
    const stale = { pid: 2 ** 22 + 17, host: hostname(), startedAt: 'x', command: 'hearth serve' }
    writeFileSync(join(dir, 'lock'), JSON.stringify(stale))
    expect(listIndexes(dataDir).indexes[0]?.inUse).toBeNull()
    const lock = DataDirLock.acquire(dir, 'hearth serve')
    try {
      const e = listIndexes(dataDir).indexes[0]
      expect(e?.inUse).toMatchObject({ pid: process.pid, self: true })
      expect(() => removeIndex(dataDir, basename(dir))).toThrow(
        `the index of ${a} is open in this window; open another folder first, then remove it`,
      )
    } finally {
      lock.release()
    }
    expect(removeIndex(dataDir, basename(dir)).freedBytes).toBeGreaterThan(1000)
    expect(readdirSync(indexesDir(dataDir))).toEqual([])
  })

  it('finds the index of a folder that is gone; gc keeps the folders it is told to, and clears interrupted removals', async () => {
    const { dataDir, folder, index } = setUp()
    const gone = join(dataDir, '..', 'gone')
    await recordIndexUse(index(gone), gone)
    const kept = folder('kept')
    await recordIndexUse(index(kept), kept)
    mkdirSync(join(indexesDir(dataDir), '.removing-0123456789abcdef-00'))
    expect(resolveIndexId(dataDir, gone)).toBe(basename(indexDirFor(gone, dataDir)))
    expect(() => resolveIndexId(dataDir, join(dataDir, 'never'))).toThrow(/there is no index of/)
    const later = Date.now() + 10 * 86_400_000
    const r = gcIndexes(dataDir, { olderThanDays: 5, missing: true, keep: [kept], now: later })
    expect(r.removed.map((e) => e.folder)).toEqual([gone])
    expect(listIndexes(dataDir).indexes.map((e) => e.folder)).toEqual([kept])
    expect(readdirSync(indexesDir(dataDir))).toEqual([basename(indexDirFor(kept, dataDir))])
  })
})
