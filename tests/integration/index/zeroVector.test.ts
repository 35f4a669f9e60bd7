import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'

// An embedder may answer a text with a zero vector (nothing in it it knows). Its cosine distance to
// any query is NaN; one NaN among the vector side's scores made the weighted fusion's scaling NaN,
// so every chunk both sides found was dropped as unscorable, and the code the query was after with
// it. Such a vector is not stored (its chunk simply has none), and a NaN hit is never fused.
const MARK = 'ZERO_VECTOR_TEXT'

/** The real built-in embedder, except that a text with MARK gets a zero vector; counts the texts. */
class ZeroForMarked extends CodeHashEmbedder {
  texts = 0
  override async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const out = await super.embed(texts, signal)
    this.texts += texts.filter((t) => t.includes(MARK)).length
    return out.map((v, i) => (texts[i]?.includes(MARK) ? new Float32Array(v.length) : v))
  }
}

const FILES: Record<string, string> = {
  'src/retry.ts': `export async function retryWithBackoff<T>(fn: () => Promise<T>, tries = 3): Promise<T> {
  let delay = 100
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if (attempt >= tries) throw err
      await new Promise((r) => setTimeout(r, delay))
      delay *= 2
    }
  }
}
`,
  'src/blank.ts': `// ${MARK}: retry backoff notes\nexport const notes = 'retry later'\n`,
  'src/color.ts': `export function mixColors(a: string, b: string, amount: number): string {
  return amount < 0.5 ? a : b
}
`,
  'src/parse.ts': `export function parseHeader(line: string): [string, string] {
  const i = line.indexOf(':')
  return [line.slice(0, i).trim(), line.slice(i + 1).trim()]
}
`,
}

describe('a chunk whose embedder gives a zero vector', { timeout: 60_000 }, () => {
  let root: string
  let dataDir: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-zerovec-ws-'))
    dataDir = await mkdtemp(join(tmpdir(), 'hearth-zerovec-db-'))
    await mkdir(join(root, 'src'), { recursive: true })
    for (const [rel, text] of Object.entries(FILES)) await writeFile(join(root, rel), text)
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
    await rm(dataDir, { recursive: true, force: true })
  })

  it('leaves hybrid search to rank the other chunks, and is not embedded again', async () => {
    const embedder = new ZeroForMarked()
    const idx = await WorkspaceIndex.open({ root, dbDir: dataDir, embedder })
    try {
      await idx.fullScan()
      await idx.waitForEmbeddings()
      expect(embedder.texts).toBe(1)

      for (const fusion of ['weighted', 'rrf'] as const) {
        const r = await idx.search('retry with backoff', { mode: 'hybrid', fusion })
        expect(r.mode, fusion).toBe('hybrid')
        const paths = r.results.map((x) => x.path)
        // The code found by both sides (dropped as NaN before) ranks first...
        expect(paths[0], fusion).toBe('src/retry.ts')
        // ...and the chunk with no vector is still found by its words.
        expect(paths, fusion).toContain('src/blank.ts')
        for (const x of r.results) expect(Number.isFinite(x.score), `${fusion} ${x.path}`).toBe(true)
      }
      const v = await idx.search('retry with backoff', { mode: 'vector' })
      expect(v.results[0]?.path).toBe('src/retry.ts')
      expect(v.results.map((x) => x.path)).not.toContain('src/blank.ts')
      // Every chunk text has a vector but the zero one, and none waits for one.
      expect((await idx.stats()).pending).toBe(0)
      const hashes = new Set((await idx.store.call('chunkList', {})).map((c) => c.hash)).size
      expect(await idx.store.call('vecRows', {})).toBe(hashes - 1)
    } finally {
      await idx.close()
    }

    // Dropped from the backlog for good: reopening asks the embedder for nothing.
    const again = new ZeroForMarked()
    const idx2 = await WorkspaceIndex.open({ root, dbDir: dataDir, embedder: again })
    try {
      await idx2.fullScan()
      await idx2.waitForEmbeddings()
      expect(again.texts).toBe(0)
      expect((await idx2.stats()).pending).toBe(0)
    } finally {
      await idx2.close()
    }
  })
})
