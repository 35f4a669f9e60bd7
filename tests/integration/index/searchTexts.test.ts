import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { search, type SearchBackend } from '../../../src/main/core/index/hybridSearch'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { writeAndIndex } from './writeAndIndex'

// Search ranks chunks without their text and fetches it for the results it shows only.
const FILES = 6
const source = (i: number): string =>
  `export function frobnicateWidget${i}(w: Widget): void {\n  // frobnicate the widget ${'again '.repeat(i)}\n  w.turn(${i})\n}\n`

describe('search fetches the text of the results it shows (real PGlite)', () => {
  let root: string
  let db: IndexDb
  const backendOf = (db: IndexDb): SearchBackend => ({
    searchFts: (a) => db.searchFts(a),
    // Full-text mode only: the vectors live in a database of their own (IndexStore).
    searchVector: () => Promise.resolve([]),
    nearestHashes: () => Promise.resolve([]),
    chunkTexts: (a) => db.chunkTexts(a.ids, a.hashes),
  })

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-texts-'))
    db = (await IndexDb.open(null)).db
    await writeAndIndex(
      db,
      root,
      Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`w${i}.ts`, source(i)])),
    )
    await db.refreshTermStats()
  }, 60_000)
  afterAll(async () => {
    await db?.close()
    await rm(root, { recursive: true, force: true })
  })

  it('each result carries its own chunk: snippet, symbols and matched lines', async () => {
    const r = await search(backendOf(db), null, 'frobnicate widget', { mode: 'fts', limit: 4 })
    expect(r.results).toHaveLength(4)
    for (const res of r.results) {
      const i = Number(/w(\d)\.ts/.exec(res.path)?.[1])
      expect(res.symbols).toContain(`frobnicateWidget${i}`)
      expect(res.snippet).toContain(`frobnicateWidget${i}(`)
      expect(res.matchLines).toEqual([1, 2])
    }
  })

  it('passes over a chunk deleted between ranking and fetching its text, and fills its place', async () => {
    const ranked = await search(backendOf(db), null, 'frobnicate widget', { mode: 'fts', limit: 3 })
    const doomed = ranked.results[0]?.path ?? ''
    expect(doomed).not.toBe('')
    const racing: SearchBackend = {
      ...backendOf(db),
      chunkTexts: async (a) => {
        await db.deleteFiles([doomed])
        return db.chunkTexts(a.ids, a.hashes)
      },
    }
    const r = await search(racing, null, 'frobnicate widget', { mode: 'fts', limit: 3 })
    const paths = r.results.map((x) => x.path)
    expect(paths).toHaveLength(3)
    expect(paths).not.toContain(doomed)
    // The survivors keep their order; the next-ranked chunk takes the free place.
    expect(paths.slice(0, 2)).toEqual(ranked.results.slice(1).map((x) => x.path))
  })

  // Unfiltered, the vector side's nearest text hashes are fused as they are; only the shown ones
  // are mapped to their chunks, in the request that fetches the texts.
  it('shows the chunks of the nearest hashes the vector side found, with full-text hits fused in', async () => {
    const chunks = await db.chunkList()
    const hashOf = (path: string): string => chunks.find((c) => c.path === path)?.hash ?? ''
    const nearest = [
      { hash: hashOf('w2.ts'), d: 0.1 },
      { hash: 'f'.repeat(32), d: 0.15 }, // a text no chunk has any more: passed over
      { hash: hashOf('w4.ts'), d: 0.2 },
    ]
    const calls: { ids: number[]; hashes?: string[] }[] = []
    const backend: SearchBackend = {
      ...backendOf(db),
      nearestHashes: () => Promise.resolve(nearest),
      chunkTexts: (a) => {
        calls.push(a)
        return db.chunkTexts(a.ids, a.hashes)
      },
    }
    const vectors = { embedder: new CodeHashEmbedder(), ready: true }
    const v = await search(backend, vectors, 'anything', { mode: 'vector', limit: 2 })
    expect(v.results.map((r) => [r.path, r.startLine, r.score])).toEqual([
      ['w2.ts', 1, 0.9],
      ['w4.ts', 1, 0.8],
    ])
    expect(v.results[0]?.snippet).toContain('frobnicateWidget2(')
    // Hybrid: w2 and w4 get the vector side's weight on top of their full-text score.
    calls.length = 0
    const h = await search(backend, vectors, 'frobnicate widget', { mode: 'hybrid', limit: 4 })
    expect(h.results.slice(0, 2).map((r) => r.path)).toEqual(['w2.ts', 'w4.ts'])
    expect(h.results).toHaveLength(4)
    // The texts come in the request that maps the hash-only hit: the unknown hash rides along
    // with the full-text hits' ids; it maps to nothing, so a second request fills its place.
    expect(calls[0]?.hashes).toEqual(['f'.repeat(32)])
    expect(calls[0]?.ids).toHaveLength(3)
    expect(calls).toHaveLength(2)
  })
})
