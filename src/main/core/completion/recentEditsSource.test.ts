import { describe, expect, it } from 'vitest'
import { RecentEditsSource } from './recentEditsSource'

describe('RecentEditsSource', () => {
  it('offers the lines around the last edit of other files, oldest first', async () => {
    const src = new RecentEditsSource({ linesAround: 2, maxFiles: 2 })
    src.record('a.ts', 'a0\na1\na2\n  a3', '!\na4\na5')
    src.record('b.ts', 'b1', '\nb2')
    src.record('c.ts', 'c1', '')
    const q = { path: 'c.ts', language: 'typescript', prefix: '', suffix: '', line: 1, column: 1 }
    expect(await src.snippets(q)).toEqual([
      { path: 'a.ts', text: 'a2\n  a3!', kind: 'recent' },
      { path: 'b.ts', text: 'b1', kind: 'recent' },
    ])
  })
})
