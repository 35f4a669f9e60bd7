import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import type { EmbedQueueState } from '../../../src/main/core/index/embedQueue'
import { BATCH_FILES } from '../../../src/main/core/index/indexer'
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'
import { FULL_SPEED } from '../../../src/main/core/resources/budgets'

/** The real built-in embedder, noting when it was called. */
class CallNotingEmbedder extends CodeHashEmbedder {
  calls = 0
  override embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    this.calls++
    return super.embed(texts, signal)
  }
}

// Several batches: a bulk pass, as a first index or a branch switch makes.
const FILES = BATCH_FILES * 4

describe('a bulk full-text pass goes before the embeddings (real PGlite, real embedder)', () => {
  let root: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-ftsfirst-'))
    await mkdir(join(root, 'src'), { recursive: true })
    await Promise.all(
      Array.from({ length: FILES }, (_, i) =>
        writeFile(
          join(root, 'src', `part${i}.ts`),
          `export function part${i}(input: string): string {\n  return input.trim() + '${i}'\n}\n`,
        ),
      ),
    )
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('embeds nothing while the pass writes, then fills in; a single saved file embeds at once', async () => {
    const embedder = new CallNotingEmbedder()
    const states: EmbedQueueState[] = []
    const callsWhileIndexing: number[] = []
    const idx = await WorkspaceIndex.open({
      root,
      dbDir: null,
      embedder,
      onEmbedState: (s) => states.push(s),
      onProgress: (p) => {
        if (p.phase === 'indexing') callsWhileIndexing.push(embedder.calls)
      },
    })
    // One batch at a time (a laptop on battery): the store has room between batches, which is
    // where an eager queue would slip its embeddings in.
    idx.setBudgets({ ...FULL_SPEED, background: { ...FULL_SPEED.background, indexConcurrency: 1 } })
    try {
      const scan = await idx.fullScan()
      expect(scan.indexed).toBe(FILES)
      // Every batch reported progress, and the embedder had not been called by any of them,
      // though each batch kicked the queue.
      expect(callsWhileIndexing.length).toBeGreaterThanOrEqual(4)
      expect(callsWhileIndexing.every((n) => n === 0)).toBe(true)
      // The status bar is told why vectors wait.
      expect(states).toContainEqual(
        expect.objectContaining({ status: 'paused', reason: 'full-text indexing first' }),
      )
      // The backlog then fills in, and vector search works.
      const drained = await idx.waitForEmbeddings()
      expect(drained?.status).toBe('idle')
      expect((await idx.stats()).pending).toBe(0)
      const hit = await idx.search('part7', { mode: 'vector', limit: 3 })
      expect(hit.results.length).toBeGreaterThan(0)

      // One saved file is no bulk pass: it is embedded without waiting for anything.
      await writeFile(
        join(root, 'src', 'part7.ts'),
        'export const renamedSeventh = (n: number): number => n * 7\n',
      )
      const before = embedder.calls
      await idx.indexer.applyChanges([{ path: 'src/part7.ts', kind: 'changed' }])
      expect(idx.indexer.bulkPass).toBeNull()
      await idx.waitForEmbeddings()
      expect(embedder.calls).toBeGreaterThan(before)
      expect((await idx.stats()).pending).toBe(0)
    } finally {
      await idx.close()
    }
  }, 60_000)
})
