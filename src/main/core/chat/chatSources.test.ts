import { describe, expect, it } from 'vitest'
import { buildChatMessages } from './chatPrompt'
import { gatherSources, linesIn, type SourcePorts } from './chatSources'
import { citationsIn } from './citations'

const FILES = new Map<string, string>([
  ['src/retry.ts', Array.from({ length: 40 }, (_, i) => `const retry${i + 1} = ${i + 1}`).join('\n')],
  ['src/http.ts', 'export function get(url: string) {\r\n  return fetch(url)\r\n}\r\n'],
  ['README.md', '# Project\n\nHow to retry.\n'],
])

function ports(
  hits: { path: string; startLine: number; endLine: number }[],
): SourcePorts & { asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    search: (q) => {
      asked.push(q)
      return Promise.resolve(hits)
    },
    readFile: (path) => {
      const t = FILES.get(path)
      return t === undefined ? Promise.reject(new Error(`no ${path}`)) : Promise.resolve(t)
    },
  }
}

describe('gatherSources', () => {
  it('sends the selection, then mentioned files, then retrieved ranges, numbered in that order', async () => {
    const p = ports([{ path: 'src/retry.ts', startLine: 10, endLine: 12 }])
    const s = await gatherSources(
      'how does retry work',
      {
        selection: { path: 'src/http.ts', startLine: 2, endLine: 2, text: '  return fetch(url)' },
        files: ['README.md'],
        codebase: true,
      },
      p,
    )
    expect(p.asked).toEqual(['how does retry work'])
    expect(s.map((x) => [x.n, x.origin, x.path, x.startLine, x.endLine])).toEqual([
      [1, 'selection', 'src/http.ts', 2, 2],
      [2, 'file', 'README.md', 1, 4],
      [3, 'codebase', 'src/retry.ts', 10, 12],
    ])
    expect(s[2]?.text).toBe('const retry10 = 10\nconst retry11 = 11\nconst retry12 = 12')
  })

  it('stays within the budget, cutting at a line end, and skips a range already sent', async () => {
    const p = ports([
      { path: 'src/retry.ts', startLine: 1, endLine: 40 },
      { path: 'src/retry.ts', startLine: 5, endLine: 6 },
      { path: 'src/http.ts', startLine: 1, endLine: 3 },
    ])
    const s = await gatherSources('q', { codebase: true }, p, {
      tokens: 60,
      charsPerToken: 3.5,
      retrieve: 12,
    })
    const chars = s.reduce((n, x) => n + x.text.length + 1, 0)
    expect(chars).toBeLessThanOrEqual(60 * 3.5)
    expect(s[0]?.path).toBe('src/retry.ts')
    expect(s[0]?.startLine).toBe(1)
    expect(s[0]?.endLine).toBeLessThan(40)
    expect(s.filter((x) => x.path === 'src/retry.ts')).toHaveLength(1)
    // No line is ever cut in the middle.
    for (const x of s) for (const line of x.text.split('\n')) expect(FILES.get(x.path)).toContain(line)
  })

  it('sends an @symbol as its declaring lines, after whole files, and not again inside a file already sent', async () => {
    const p = ports([])
    const s = await gatherSources(
      'q',
      {
        files: ['src/http.ts'],
        symbols: [
          { name: 'retry5', path: 'src/retry.ts', startLine: 5, endLine: 6 },
          { name: 'get', path: 'src/http.ts', startLine: 1, endLine: 3 },
        ],
      },
      p,
    )
    expect(s.map((x) => [x.n, x.origin, x.path, x.startLine, x.endLine])).toEqual([
      [1, 'file', 'src/http.ts', 1, 4],
      [2, 'symbol', 'src/retry.ts', 5, 6],
    ])
    expect(s[1]?.text).toBe('const retry5 = 5\nconst retry6 = 6')
  })

  it('reads the retrieved files all at once, and leaves out one that cannot be read any more', async () => {
    const p = ports([
      { path: 'src/retry.ts', startLine: 3, endLine: 4 },
      { path: 'src/gone.ts', startLine: 1, endLine: 2 },
      { path: 'README.md', startLine: 1, endLine: 1 },
    ])
    const started: string[] = []
    const release: (() => void)[] = []
    const read = p.readFile.bind(p)
    p.readFile = (path) => {
      started.push(path)
      return new Promise<void>((r) => release.push(r)).then(() => read(path))
    }
    const gathering = gatherSources('q', { codebase: true }, p)
    await new Promise((r) => setTimeout(r, 0))
    // Every read is under way before any has answered.
    expect(started).toEqual(['src/retry.ts', 'src/gone.ts', 'README.md'])
    for (const r of release) r()
    const s = await gathering
    expect(s.map((x) => [x.n, x.path, x.startLine, x.endLine])).toEqual([
      [1, 'src/retry.ts', 3, 4],
      [2, 'README.md', 1, 1],
    ])
  })

  it('takes a range of lines as a split would, CRLF and a last line without an ending too', () => {
    for (const text of ['a\nb\r\nc\n', 'a\nb\nc', '', '\n\n', 'one line', 'x\r\ny\r\n'])
      for (let start = 1; start <= 5; start++)
        for (let end = start - 1; end <= 5; end++)
          expect(linesIn(text, start, end), JSON.stringify([text, start, end])).toEqual(
            text.split(/\r?\n/).slice(start - 1, end),
          )
  })

  it('asks nothing of the index without @codebase', async () => {
    const p = ports([{ path: 'src/retry.ts', startLine: 1, endLine: 2 }])
    expect(await gatherSources('q', { files: ['README.md'] }, p)).toHaveLength(1)
    expect(p.asked).toEqual([])
  })
})

describe('citations', () => {
  const sources = [
    { n: 1, path: 'a.ts', startLine: 1, endLine: 5, text: 'x', origin: 'codebase' as const },
    { n: 2, path: 'b.ts', startLine: 7, endLine: 9, text: 'y', origin: 'codebase' as const },
  ]

  it('are the sources the answer cites, first citation first, never a number that was not sent', () => {
    const answer = 'See [2] and [1, 2]; also [7] and [0].\n```ts\nconst a = xs[1]\n```\nAgain [2][1].'
    expect(citationsIn(answer, sources)).toEqual([
      { n: 2, path: 'b.ts', startLine: 7, endLine: 9 },
      { n: 1, path: 'a.ts', startLine: 1, endLine: 5 },
    ])
    expect(citationsIn('const a = xs[1]', [])).toEqual([])
  })

  it('the prompt shows each source with its number, path and lines, then the question', () => {
    const m = buildChatMessages('why?', sources, [{ role: 'user', content: 'earlier' }])
    expect(m.map((x) => x.role)).toEqual(['system', 'user', 'user'])
    expect(m[2]?.content).toBe(
      'Sources:\n\n[1] a.ts:1-5\n```typescript\nx\n```\n\n[2] b.ts:7-9\n```typescript\ny\n```\n\nQuestion: why?',
    )
  })
})
