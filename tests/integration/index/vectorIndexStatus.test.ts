import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import { chunkFile } from '../../../src/main/core/index/chunker'
import { embedText } from '../../../src/main/core/index/store/indexDb'
import { INDEX_FROM_ROWS } from '../../../src/main/core/index/store/vectorDb'
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'

// One chunk per file, each text its own: just over the size from which vectors get an index.
const FILES = INDEX_FROM_ROWS + 100
const SYL = ['ka', 'lo', 'mi', 'nu', 'pe', 'ri', 'so', 'ta', 'vu', 'ze', 'bo', 'di', 'fa', 'gu', 'he', 'jo']
// Three made-up words per file, so that queries made of them have distinct nearest texts.
const word = (i: number, k: number): string =>
  [0, 1, 2].map((p) => SYL[(Math.floor(i / 16 ** p) + k * 5 + p) % 16]).join('') + String(i)
const pathOf = (i: number): string => `part${i - (i % 500)}/w${i}.ts`
const source = (i: number): string =>
  `export function ${word(i, 0)}(${word(i, 1)}: Frame): Pixel {\n  return ${word(i, 2)}(${word(i, 1)})\n}\n`

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let k = 0; k < a.length; k++) {
    dot += (a[k] ?? 0) * (b[k] ?? 0)
    na += (a[k] ?? 0) ** 2
    nb += (b[k] ?? 0) ** 2
  }
  return dot / (Math.sqrt(na * nb) || 1)
}

describe('an index past the vector index size builds the index and searches it (real PGlite, real embedder)', () => {
  let root: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-vecindex-'))
    for (let d = 0; d < FILES; d += 500) {
      await mkdir(join(root, `part${d}`))
      await Promise.all(
        Array.from({ length: Math.min(500, FILES - d) }, (_, j) =>
          writeFile(join(root, pathOf(d + j)), source(d + j)),
        ),
      )
    }
  }, 60_000)
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('builds the vector index as the backlog drains; its nearest texts are the exact ones; verify is clean', async () => {
    const states: string[] = []
    const idx = await WorkspaceIndex.open({
      root,
      dbDir: null,
      embedder: new CodeHashEmbedder(),
      onEmbedState: (s) => states.push(s.status),
    })
    try {
      const scan = await idx.fullScan()
      expect(scan.indexed).toBe(FILES)
      const drained = await idx.waitForEmbeddings()
      expect(drained?.status).toBe('idle')
      // The index was begun while the backlog was embedded (no build phase of its own after it).
      expect(states).toContain('running')
      expect(states.at(-1)).toBe('idle')
      // The backlog is empty and the vectors are many: the index was built, nothing is pending.
      expect(await idx.store.call('vecNeedsIndex', {})).toBe(false)
      const st = await idx.stats()
      expect(st.pending).toBe(0)
      expect(st.vectorIndexBuilding).toBeFalsy()
      // IVFFlat is approximate: its nearest text must be the exact one (computed here from the same
      // embedder over the same texts) for nearly every query.
      const emb = new CodeHashEmbedder()
      const chunks = Array.from({ length: FILES }, (_, i) => {
        const path = pathOf(i)
        const [c] = chunkFile(path, source(i))
        return { path, text: embedText(path, c?.text ?? '') }
      })
      const vecs: Float32Array[] = []
      for (let k = 0; k < chunks.length; k += emb.maxBatch)
        vecs.push(...(await emb.embed(chunks.slice(k, k + emb.maxBatch).map((c) => c.text))))
      const queries = [7, 300, 1234, 2500, 3333, 4096, 4500, 4999, FILES - 1, 42].map(
        (i) => `${word(i, 0)} frame ${word(i, 2)}`,
      )
      let agree = 0
      for (const q of queries) {
        const [qv] = await emb.embed([q])
        let best = -1
        let bestScore = -Infinity
        vecs.forEach((v, k) => {
          const s = cosine(qv as Float32Array, v)
          if (s > bestScore) [best, bestScore] = [k, s]
        })
        const r = await idx.search(q, { mode: 'vector', limit: 1 })
        if (r.results[0]?.path === chunks[best]?.path) agree++
        // Hybrid answers too (full text and vectors fused), with no notice of a missing side (these
        // made-up words may be a weak match, which says so).
        const h = await idx.search(q, { limit: 3 })
        expect(h.mode).toBe('hybrid')
        if (!h.weak) expect(h.notice).toBeUndefined()
        expect(h.results.length).toBeGreaterThan(0)
      }
      expect(agree).toBeGreaterThanOrEqual(9)
      const v = await idx.store.call('verify', {})
      expect(v.vectorsMissing).toBe(0)
    } finally {
      await idx.close()
    }
    // 5,000 files embedded and an index build: well past the default 30 s on a loaded machine.
  }, 180_000)
})
