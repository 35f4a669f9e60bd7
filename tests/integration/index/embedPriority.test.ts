import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'
import { FULL_SPEED, type Budgets } from '../../../src/main/core/resources/budgets'

/** The real built-in embedder, noting which texts it was given and in what order. */
class OrderNotingEmbedder extends CodeHashEmbedder {
  readonly batches: string[][] = []
  override embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    this.batches.push(texts.map((t) => t.slice(0, t.indexOf('\n'))))
    return super.embed(texts, signal)
  }
}

const FILES = 300
// Full-text indexing runs, embedding does not (rate 0): the whole tree ends up in the backlog.
const NO_EMBEDDING: Budgets = { ...FULL_SPEED, background: { ...FULL_SPEED.background, embedPerMinute: 0 } }
const SMALL_BATCHES: Budgets = {
  ...FULL_SPEED,
  background: { ...FULL_SPEED.background, embedBatchSize: 4 },
}

describe('opening a file embeds its chunks first (prefetcher → IndexService → embed queue)', () => {
  let root: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-prio-'))
    for (let d = 0; d < FILES / 100; d++) await mkdir(join(root, `pkg${d}`), { recursive: true })
    await Promise.all(
      Array.from({ length: FILES }, (_, i) =>
        writeFile(
          join(root, `pkg${Math.floor(i / 100)}`, `module${i}.ts`),
          `export function handler${i}(input: string): string {\n  return input.trim() + '${i}'\n}\n`,
        ),
      ),
    )
  })

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('a prioritised file leaves the backlog before files indexed earlier', async () => {
    const embedder = new OrderNotingEmbedder()
    const idx = await WorkspaceIndex.open({ root, dbDir: null, embedder })
    try {
      idx.setBudgets(NO_EMBEDDING)
      await idx.fullScan()
      expect(embedder.batches).toHaveLength(0)
      const last = `pkg${FILES / 100 - 1}/module${FILES - 1}.ts`
      idx.queue?.prioritize(last)
      idx.setBudgets(SMALL_BATCHES)
      await idx.waitForEmbeddings()
      const order = embedder.batches.flat()
      expect(order).toHaveLength(FILES)
      // In store order it would come last; prioritised, it is the very first text embedded.
      expect(order[0]).toBe(last)
    } finally {
      await idx.close()
    }
  })
})
