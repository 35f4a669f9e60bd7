import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { INDEX_FROM_ROWS } from '../../../src/main/core/index/store/vectorDb'
import { IVF_STEP_ROWS } from '../../../src/main/core/index/store/vectorSteps'
import { pgOf, vec } from './vectorTestData'

/**
 * The vector index is built in steps (searches are answered in between). A build stopped part way
 * (the process closed or killed between steps) reopens with every vector found, and the next
 * upkeep goes on from there. After the last step the index's database restarts on disk, so an idle
 * index does not keep the build's memory (a WASM heap never shrinks); the index and the vectors are
 * all there after it, and after a reopen (real PGlite on disk).
 */
describe('the vector index is built in steps, survives a stop part way, and lets go of the build memory', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-vecrelease-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('restarts after the build and answers the same nearest vectors, before and after a reopen', async () => {
    const dims = 8
    let { db: idx } = await IndexDb.open(dir)
    await idx.setEmbedder('test-embedder', dims)
    let db = idx.vectors
    const items = Array.from({ length: INDEX_FROM_ROWS + 50 }, (_, i) => ({
      hash: `h${i}`,
      vector: vec(i, dims),
    }))
    for (let k = 0; k < items.length; k += 1000) await db.put(items.slice(k, k + 1000))
    expect(await db.needsIndex()).toBe(true)
    const exact = (await db.nearest(vec(77, dims), 3)).map((h) => h.hash)
    expect(exact[0]).toBe('h77')
    // Steps until the index exists (its lists are learnt first), one move, then the database
    // closes mid-build.
    while (db.indexNames().length === 0) expect((await db.maintainStep()).more).toBe(true)
    expect((await db.maintainStep()).more).toBe(true)
    await idx.close()
    ;({ db: idx } = await IndexDb.open(dir))
    db = idx.vectors
    // Half built: the index and the tail together still find the exact nearest vectors.
    expect(db.indexNames()).toHaveLength(1)
    expect(await db.needsIndex()).toBe(true)
    expect((await db.nearest(vec(77, dims), 3)).map((h) => h.hash)).toEqual(exact)
    const before = pgOf(idx)
    let steps = 0
    let r = await db.maintainStep()
    for (; r.more; steps++) {
      // Postgres restarts only after the last step.
      expect(pgOf(idx)).toBe(before)
      r = await db.maintainStep()
    }
    expect(r.built).toBe(true)
    // Each step moves at most IVF_STEP_ROWS rows: the rest of the build took several.
    expect(steps).toBeGreaterThanOrEqual(Math.floor(items.length / IVF_STEP_ROWS) - 1)
    // A new Postgres instance (the old one and its heap are gone), with the index in place.
    expect(pgOf(idx)).not.toBe(before)
    expect(before.closed).toBe(true)
    expect(await db.needsIndex()).toBe(false)
    expect((await db.nearest(vec(77, dims), 3)).map((h) => h.hash)[0]).toBe('h77')
    await idx.close()
    ;({ db: idx } = await IndexDb.open(dir))
    db = idx.vectors
    expect(await db.rows()).toBe(items.length)
    expect(await db.needsIndex()).toBe(false)
    expect((await db.nearest(vec(77, dims), 3)).map((h) => h.hash)[0]).toBe('h77')
    await idx.close()
  }, 300_000)
})
