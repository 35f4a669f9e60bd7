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

  it('does not remember edits of secret-looking files for other files, unless the user opts in', async () => {
    const q = { path: 'src/app.ts', language: 'typescript', prefix: '', suffix: '', line: 1, column: 1 }
    const src = new RecentEditsSource()
    src.record('.env', 'API_TOKEN=sk-live-123', '')
    src.record('certs/server.pem', '-----BEGIN PRIVATE KEY-----', '')
    src.record('src/util.ts', 'export const x = 1', '')
    expect(await src.snippets(q)).toEqual([
      { path: 'src/util.ts', text: 'export const x = 1', kind: 'recent' },
    ])

    const optedIn = new RecentEditsSource({ includeSecretFiles: () => true })
    optedIn.record('.env', 'API_TOKEN=sk-live-123', '')
    expect((await optedIn.snippets(q)).map((s) => s.path)).toEqual(['.env'])
  })
})
