import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BATCH_FILES, Indexer, type IndexerStore } from '../../../src/main/core/index/indexer'
import { IndexStore } from '../../../src/main/core/index/store/indexStore'
import { IgnoreRules, type IgnoreVerdict } from '../../../src/main/core/files/ignoreRules'
import { freshWalk, sortKeys, sourceText } from './freshWalk'

/** The real ignore rules, noting when the walk last consulted them (it does for every entry). */
class NotingRules extends IgnoreRules {
  lastCheck = 0
  override verdict(rel: string, isDir: boolean): IgnoreVerdict | null {
    this.lastCheck = performance.now()
    return super.verdict(rel, isDir)
  }
}

const FOLDERS = 8
const PER_FOLDER = BATCH_FILES

describe('a full scan writes while it walks (real PGlite, real walk)', () => {
  let root: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-walkoverlap-'))
    for (let d = 0; d < FOLDERS; d++) {
      await mkdir(join(root, `pkg${d}`, 'src'), { recursive: true })
      await Promise.all(
        Array.from({ length: PER_FOLDER }, (_, i) =>
          writeFile(join(root, `pkg${d}`, 'src', `mod${i}.ts`), sourceText(`mod${d}_${i}`, d * 1000 + i)),
        ),
      )
    }
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('sends the first batch before the walk has listed the last folder, and ends equal to a fresh walk', async () => {
    const store = await IndexStore.open(null)
    const rules = new NotingRules(root)
    let firstBatchAt = 0
    const noting: IndexerStore = {
      call: (op, args) => {
        if (op === 'prepareFiles' && !firstBatchAt && (args as { files: unknown[] }).files.length > 0)
          firstBatchAt = performance.now()
        return store.call(op, args)
      },
    }
    const indexer = new Indexer(root, noting, rules)
    try {
      const scan = await indexer.fullScan()
      expect(scan.seen).toBe(FOLDERS * PER_FOLDER)
      expect(scan.indexed).toBe(FOLDERS * PER_FOLDER)
      expect(firstBatchAt).toBeGreaterThan(0)
      expect(firstBatchAt).toBeLessThan(rules.lastCheck)
      const indexed = await store.call('chunkList', {})
      expect(sortKeys(indexed)).toEqual(await freshWalk(root))

      // A second scan with nothing changed reads nothing and removes nothing.
      const again = await indexer.fullScan()
      expect(again).toMatchObject({ indexed: 0, removed: 0, unchanged: FOLDERS * PER_FOLDER })
      // Files gone since are removed once the walk has seen everything.
      await rm(join(root, 'pkg3'), { recursive: true })
      const after = await indexer.fullScan()
      expect(after.removed).toBe(PER_FOLDER)
      expect(sortKeys(await store.call('chunkList', {}))).toEqual(await freshWalk(root))
    } finally {
      indexer.dispose()
      await store.close()
    }
  })
})
