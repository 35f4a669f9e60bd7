import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import { IndexStore } from '../../../src/main/core/index/store/indexStore'
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'
import { scribblePg } from './scribblePg'

/** The real built-in embedder, counting the texts it was asked to embed. */
class CountingEmbedder extends CodeHashEmbedder {
  texts = 0
  override embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    this.texts += texts.length
    return super.embed(texts, signal)
  }
}

const FILES = 30
const TOPICS = ['parse the http header', 'retry the request with backoff', 'render the widget tree']
const source = (i: number): string =>
  `// ${TOPICS[i % TOPICS.length] ?? ''}\nexport function step${i}(input: string): string {\n  return input.trim() + '${i}'\n}\n`
const CLEAN = { badFiles: [], orphanChunks: 0, backlogMiscount: 0, vectorsMissing: 0 }

describe('vectors in the index database, beside the full-text tables (real PGlite on disk)', () => {
  let root: string
  let dataDir: string

  const distinctHashes = async (store: IndexStore): Promise<number> =>
    new Set((await store.call('chunkList', {})).map((c) => c.hash)).size

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-vecdb-ws-'))
    dataDir = await mkdtemp(join(tmpdir(), 'hearth-vecdb-db-'))
    await mkdir(join(root, 'src'), { recursive: true })
    for (let i = 0; i < FILES; i++) await writeFile(join(root, 'src', `step${i}.ts`), source(i))
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
    await rm(dataDir, { recursive: true, force: true })
  })

  it('stores the vectors: every chunk text has its vector, and hybrid search uses them', async () => {
    const embedder = new CountingEmbedder()
    const idx = await WorkspaceIndex.open({ root, dbDir: dataDir, embedder })
    try {
      await idx.fullScan()
      await idx.waitForEmbeddings()
      const texts = await distinctHashes(idx.store)
      expect(texts).toBe(FILES)
      expect(embedder.texts).toBe(texts)
      expect(await idx.store.call('vecRows', {})).toBe(texts)
      expect(await idx.store.call('verify', {})).toEqual(CLEAN)
      const r = await idx.search('retry request backoff', { mode: 'hybrid' })
      expect(r.mode).toBe('hybrid')
      expect(r.notice).toBeUndefined()
      expect(r.results.length).toBeGreaterThan(0)
      const v = await idx.search('retry request backoff', { mode: 'vector' })
      expect(v.results.length).toBeGreaterThan(0)
    } finally {
      await idx.close()
    }
  }, 60_000)

  it('a crash between the vector write and its bookkeeping costs no second embedding', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-vecdb-crash-'))
    const embedder = new CountingEmbedder()
    try {
      let store = await IndexStore.open(dir)
      await store.call('setEmbedder', { id: embedder.id, dimensions: embedder.dimensions })
      const files = await Promise.all(
        Array.from({ length: FILES }, async (_, i) => {
          const path = `src/step${i}.ts`
          const st = await stat(join(root, path))
          return { path, size: st.size, mtimeMs: st.mtimeMs }
        }),
      )
      await store.call('indexFiles', { root, files })
      const todo = await store.call('pendingEmbeds', { limit: 1000 })
      expect(todo).toHaveLength(FILES)
      const vectors = await embedder.embed(todo.map((t) => t.text))
      // The vectors commit; the process dies before the backlog records them.
      await store.call('vecPut', {
        items: todo.map((t, i) => ({ hash: t.hash, vector: Array.from(vectors[i] ?? []) })),
      })
      await store.close()

      store = await IndexStore.open(dir)
      // Still in the backlog (nothing is lost), and nothing counted as embedded without a vector.
      expect((await store.call('stats', {})).pending).toBe(FILES)
      expect(await store.call('verify', {})).toEqual(CLEAN)
      // The next backlog read finds the vectors already there, records them, and has nothing to embed.
      expect(await store.call('pendingEmbeds', { limit: 1000 })).toEqual([])
      expect((await store.call('stats', {})).pending).toBe(0)
      expect(await store.call('verify', {})).toEqual(CLEAN)
      expect(embedder.texts).toBe(FILES)
      await store.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('a corrupt database is set aside and rebuilt: full text first, then every vector again', async () => {
    scribblePg(join(dataDir, 'pg'))
    const embedder = new CountingEmbedder()
    const idx = await WorkspaceIndex.open({ root, dbDir: dataDir, embedder })
    try {
      expect(idx.store.opened.rebuilt?.setAsideTo).toMatch(/pg\.corrupt-/)
      await idx.fullScan()
      expect(await idx.stats()).toMatchObject({ files: FILES, chunks: FILES })
      const fts = await idx.search('retry request backoff', { mode: 'fts' })
      expect(fts.results.length).toBeGreaterThan(0)
      await idx.waitForEmbeddings()
      // The vectors went with the corrupt directory: every text is embedded once more.
      expect(embedder.texts).toBe(FILES)
      expect(await idx.store.call('verify', {})).toEqual(CLEAN)
      const r = await idx.search('retry request backoff', { mode: 'hybrid' })
      expect(r.mode).toBe('hybrid')
    } finally {
      await idx.close()
    }
  }, 90_000)
})
