import { describe, expect, it } from 'vitest'
import type { TreeEntry } from '@shared/contract/workspace'
import { ancestors, flattenTree, type DirState } from './flattenTree'

const dir = (path: string): TreeEntry => ({ name: path.split('/').pop() ?? path, path, kind: 'dir' })
const file = (path: string): TreeEntry => ({ name: path.split('/').pop() ?? path, path, kind: 'file' })

describe('flattenTree', () => {
  const dirs = new Map<string, DirState>([
    ['', { kind: 'loaded', entries: [dir('src'), dir('docs'), file('README.md')] }],
    ['src', { kind: 'loaded', entries: [dir('src/lib'), file('src/a.ts')] }],
    ['src/lib', { kind: 'loading' }],
    ['docs', { kind: 'loaded', entries: [file('docs/x.md')] }],
  ])

  it('lists only expanded, loaded folders, depth first', () => {
    const rows = flattenTree(dirs, new Set(['src', 'src/lib']))
    expect(rows.map((r) => `${r.depth}:${r.entry.path}`)).toEqual([
      '0:src',
      '1:src/lib',
      '1:src/a.ts',
      '0:docs',
      '0:README.md',
    ])
    expect(rows[1]?.state).toEqual({ kind: 'loading' })
    expect(rows[0]?.expanded).toBe(true)
    expect(rows[3]?.expanded).toBe(false)
  })

  it('is empty before the root is listed', () => {
    expect(flattenTree(new Map(), new Set())).toEqual([])
  })
})

describe('ancestors', () => {
  it('gives the folders to expand to reveal a file', () => {
    expect(ancestors('a/b/c.ts')).toEqual(['a', 'a/b'])
    expect(ancestors('top.ts')).toEqual([])
  })
})
