import { describe, expect, it } from 'vitest'
import { fuzzyScore } from './fuzzyScore'
import { createRanker, rankPaths, scorePath } from './rankPaths'

const score = (q: string, t: string): number => fuzzyScore(q, t)?.score ?? -Infinity

describe('fuzzyScore', () => {
  it('matches subsequences case-insensitively and refuses the rest', () => {
    expect(fuzzyScore('abc', 'aXbXc')?.positions).toEqual([0, 2, 4])
    expect(fuzzyScore('ABC', 'abc')).toBeDefined()
    expect(fuzzyScore('acb', 'abc')).toBeUndefined()
    expect(fuzzyScore('abcd', 'abc')).toBeUndefined()
    expect(fuzzyScore('', 'abc')).toEqual({ score: 0, positions: [] })
  })

  it('prefers contiguous runs over scattered matches', () => {
    expect(score('main', 'src/main.ts')).toBeGreaterThan(score('main', 'src/m_a_i_n.ts'))
    expect(score('edit', 'editor.ts')).toBeGreaterThan(score('edit', 'e_d_i_t.ts'))
  })

  it('prefers prefixes and segment / camelCase starts', () => {
    expect(score('ws', 'webSocket.ts')).toBeGreaterThan(score('ws', 'news.ts'))
    expect(score('fb', 'fooBar')).toBeGreaterThan(score('fb', 'fabric'))
    expect(score('core', 'src/core/x.ts')).toBeGreaterThan(score('core', 'src/hardcore/x.ts'))
  })

  it('finds the best alignment, not the first one', () => {
    // The greedy first 'a' sits in "data"; the better alignment is the segment start "app".
    const m = fuzzyScore('app', 'data/app.ts')
    expect(m?.positions).toEqual([5, 6, 7])
  })
})

describe('rankPaths', () => {
  const paths = [
    'src/renderer/src/editor/EditorHost.tsx',
    'src/main/core/workspace/workspaceService.ts',
    'src/main/core/workspace/pathGuard.ts',
    'docs/editors.md',
    'src/shared/rpc/client.ts',
    'tests/e2e/editor.test.ts',
    'src/main/server/server.ts',
  ]

  it('puts file-name matches first', () => {
    expect(rankPaths('pathguard', paths)[0]?.path).toBe('src/main/core/workspace/pathGuard.ts')
    expect(rankPaths('client', paths)[0]?.path).toBe('src/shared/rpc/client.ts')
    expect(rankPaths('edhost', paths)[0]?.path).toBe('src/renderer/src/editor/EditorHost.tsx')
  })

  it('uses folders when the query has a slash', () => {
    expect(rankPaths('e2e/ed', paths)[0]?.path).toBe('tests/e2e/editor.test.ts')
    expect(scorePath('core/ws', 'src/main/core/workspace/workspaceService.ts')).toBeDefined()
  })

  it('matches across folder and file names', () => {
    expect(rankPaths('srvserver', paths)[0]?.path).toBe('src/main/server/server.ts')
  })

  it('returns positions inside the whole path for highlighting', () => {
    const [hit] = rankPaths('client', paths)
    expect(hit && hit.positions.map((p) => hit.path[p]).join('')).toBe('client')
  })

  it('ranks 50k paths fast enough for typing', () => {
    const many = Array.from({ length: 50_000 }, (_, i) => `packages/pkg${i % 97}/src/module${i}/file${i}.ts`)
    const t0 = performance.now()
    const hits = rankPaths('mod123file', many)
    const ms = performance.now() - t0
    expect(hits[0]?.path).toContain('module123/file123.ts')
    expect(ms).toBeLessThan(1500)
  })
})

describe('createRanker', () => {
  it('gives the same answers as rankPaths while narrowing incrementally', () => {
    const paths = Array.from({ length: 3000 }, (_, i) => `src/mod${i % 37}/file${i}.ts`)
    const rank = createRanker(paths)
    for (const q of ['f', 'fi', 'fil', 'file1', 'file12', 'file1', 'mod3', 'mod3/f', '', 'x']) {
      expect(rank(q, 20)).toEqual(rankPaths(q, paths, 20))
    }
  })
})
