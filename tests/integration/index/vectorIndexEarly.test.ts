import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { INDEX_FROM_ROWS } from '../../../src/main/core/index/store/vectorDb'
import { ivfLists, SAMPLE_PER_LIST } from '../../../src/main/core/index/store/vectorSteps'
import { pgOf, vec } from './vectorTestData'

const tail = async (d: IndexDb): Promise<number> =>
  (await pgOf(d).query<{ n: number }>('SELECT count(*)::int AS n FROM embeddings WHERE ivf_gen = 0')).rows[0]
    ?.n ?? -1

/**
 * A first backlog big enough for a vector index begins the index while it is still embedded, once a
 * training sample for all of it is stored: the vectors stored after that go straight into the
 * index instead of into the tail that a later step would move row by row. Postgres is not
 * restarted before the backlog ends (real PGlite on disk).
 */
describe('the vector index is begun while the backlog is embedded', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-vecearly-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('creates the index from the first sample, puts the rest into it, and finds the exact nearest', async () => {
    const dims = 8
    const { db: idx } = await IndexDb.open(dir)
    try {
      await idx.setEmbedder('test-embedder', dims)
      const db = idx.vectors
      const total = INDEX_FROM_ROWS + 500
      const sample = ivfLists(total) * SAMPLE_PER_LIST
      const items = Array.from({ length: total }, (_, i) => ({ hash: `h${i}`, vector: vec(i, dims) }))
      const handle = pgOf(idx)
      let createdAt = -1
      for (let k = 0; k < total; k += 250) {
        await db.put(items.slice(k, k + 250))
        const pending = total - Math.min(total, k + 250)
        // One step per stored batch, as IndexStore.putEmbeddings takes them.
        const step = await db.stepDuringBacklog(pending)
        expect(step).not.toBe('release')
        if (createdAt < 0 && db.indexNames().length > 0) createdAt = k + 250
      }
      // Begun once the sample was stored (training takes a few batches' steps), before the last vector.
      expect(createdAt).toBeGreaterThanOrEqual(sample)
      expect(createdAt).toBeLessThan(total)
      expect(pgOf(idx)).toBe(handle)
      // What was stored after the index existed went into it: the tail is what the moves between
      // batches have not reached yet, not the rest of the backlog.
      expect(await tail(idx)).toBeLessThan(createdAt)
      // The backlog's end: the last moves, the VACUUM, then the restart that gives back the memory.
      let r = await db.maintainStep()
      while (r.more) r = await db.maintainStep()
      expect(r.step).toBe('release')
      expect(pgOf(idx)).not.toBe(handle)
      expect(await tail(idx)).toBe(0)
      expect(await db.needsIndex()).toBe(false)
      expect(await db.rows()).toBe(total)
      for (const i of [3, 77, 4000, total - 1])
        expect((await db.nearest(vec(i, dims), 1)).map((h) => h.hash)).toEqual([`h${i}`])
    } finally {
      await idx.close()
    }
  }, 300_000)
})
