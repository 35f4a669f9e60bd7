import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import { EmbedQueue, type EmbedQueueStore } from '../../../src/main/core/index/embedQueue'
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'
import { FULL_SPEED, type Budgets } from '../../../src/main/core/resources/budgets'

// The embed queue embeds the next batch on its own thread while the store worker writes the one
// before (two cores at work), and still embeds each text once and stores every one.

const FILES = 1_300
const NO_EMBEDDING: Budgets = { ...FULL_SPEED, background: { ...FULL_SPEED.background, embedPerMinute: 0 } }

/** The real built-in embedder, noting each text it was given and whether a write was in flight. */
class NotingEmbedder extends CodeHashEmbedder {
  readonly texts: string[] = []
  duringWrite = 0
  writing = 0
  override embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    this.texts.push(...texts)
    if (this.writing > 0) this.duringWrite++
    return super.embed(texts, signal)
  }
}

describe('embedding overlaps the store writes', () => {
  let root: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-overlap-'))
    for (let d = 0; d < FILES / 100; d++) await mkdir(join(root, `pkg${d}`), { recursive: true })
    await Promise.all(
      Array.from({ length: FILES }, (_, i) =>
        writeFile(
          join(root, `pkg${Math.floor(i / 100)}`, `part${i}.ts`),
          `export function step${i}(total: number): number {\n  return total * ${i} + ${i % 7}\n}\n`,
        ),
      ),
    )
  })

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('embeds batch n+1 while batch n is written, each text once, every vector stored', async () => {
    const embedder = new NotingEmbedder()
    const idx = await WorkspaceIndex.open({ root, dbDir: null, embedder })
    try {
      // The index's own queue stays paused: the whole tree goes to the backlog, then a queue over
      // the same store (its writes noted) embeds it.
      idx.setBudgets(NO_EMBEDDING)
      await idx.fullScan()
      await idx.queue?.stop()
      const pending = (await idx.stats()).pending
      expect(pending).toBeGreaterThan(1_024)
      const store: EmbedQueueStore = {
        call: async (op, args) => {
          if (op !== 'putEmbeddings') return idx.store.call(op, args)
          embedder.writing++
          try {
            return await idx.store.call(op, args)
          } finally {
            embedder.writing--
          }
        },
      }
      const queue = new EmbedQueue(store, embedder)
      queue.setBudgets(FULL_SPEED)
      // drain() answers with the queue's live state: read before stop() changes it.
      const { status, embedded } = await queue.drain()
      await queue.stop()
      expect(status).toBe('idle')
      expect(embedded).toBe(pending)
      expect(embedder.duringWrite).toBeGreaterThan(0)
      expect(new Set(embedder.texts).size).toBe(embedder.texts.length)
      expect(embedder.texts).toHaveLength(pending)
      const st = await idx.stats()
      expect(st.pending).toBe(0)
      const v = await idx.store.call('verify', {})
      expect(v.vectorsMissing).toBe(0)
    } finally {
      await idx.close()
    }
  })
})
