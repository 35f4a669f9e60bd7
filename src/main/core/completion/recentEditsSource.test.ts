import { describe, expect, it } from 'vitest'
import { firstLines, lastLines, RecentEditsSource } from './recentEditsSource'

describe('lastLines / firstLines', () => {
  it('agree with split / slice / join on every small text', () => {
    const alphabet = ['a', '\n', 'b', '\r\n']
    const texts: string[] = ['']
    for (let len = 1; len <= 6; len++)
      for (let k = 0; k < alphabet.length ** len; k++) {
        let t = ''
        for (let i = 0, x = k; i < len; i++, x = Math.floor(x / alphabet.length))
          t += alphabet[x % alphabet.length]
        texts.push(t)
      }
    for (const t of texts)
      for (let n = 1; n <= 5; n++) {
        expect(lastLines(t, n), JSON.stringify([t, n])).toBe(t.split('\n').slice(-n).join('\n'))
        expect(firstLines(t, n), JSON.stringify([t, n])).toBe(t.split('\n').slice(0, n).join('\n'))
      }
  })
})

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
