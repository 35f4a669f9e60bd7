import { describe, expect, it } from 'vitest'
import { fuseRrf, fuseWeighted } from './hybridSearch'
import type { StoreHit } from './store/protocol'

const hit = (id: number, score: number): StoreHit => ({
  id,
  path: `src/f${id}.ts`,
  startLine: 1,
  endLine: 5,
  language: 'typescript',
  hash: `h${id}`,
  score,
})

describe('fusion', () => {
  // A zero vector stored by an older index has a NaN cosine distance to every query.
  const fts = [hit(1, 3), hit(2, 1)]
  const vec = [
    { hash: 'h1', score: 0.9 },
    { hash: 'h2', score: 0.5 },
    { hash: 'h3', score: NaN },
  ]
  for (const [name, fuse] of [
    ['weighted', fuseWeighted],
    ['rrf', fuseRrf],
  ] as const)
    it(`${name}: a hit without a finite score is left out, the others are fused as usual`, () => {
      const fused = fuse(fts, vec)
      expect(fused.map((c) => ('hit' in c ? c.hit.id : c.hash))).toEqual([1, 2])
      for (const c of fused) expect(Number.isFinite(c.score)).toBe(true)
      expect(fused).toEqual(fuse(fts, vec.slice(0, 2)))
    })
})
