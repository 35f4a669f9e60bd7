import { describe, expect, it } from 'vitest'
import { applyTarget, codeBlocks, type ApplyContext } from './codeBlocks'

const LANG: Record<string, string> = { ts: 'typescript', js: 'javascript', py: 'python' }
const ctx = (over: Partial<ApplyContext> = {}): ApplyContext => ({
  citations: [],
  activePath: undefined,
  selection: undefined,
  languageOfPath: (p) => LANG[p.split('.').pop() ?? ''] ?? 'plaintext',
  languageOfTag: (t) => LANG[t] ?? (Object.values(LANG).includes(t) ? t : undefined),
  ...over,
})

describe('codeBlocks', () => {
  it('finds each block in page order with its language and a path its fence or first line names', () => {
    const md = [
      'Intro',
      '```ts title=src/a.ts',
      'export const a = 1',
      '```',
      '- item',
      '  ```py',
      '  # tools/run.py',
      '  print(1)',
      '  ```',
      '```js:lib/b.js',
      'b()',
      '```',
      '```',
      'plain',
      '```',
    ].join('\n')
    expect(codeBlocks(md)).toEqual([
      { lang: 'ts', text: 'export const a = 1', path: 'src/a.ts' },
      { lang: 'py', text: 'print(1)', path: 'tools/run.py' },
      { lang: 'js', text: 'b()', path: 'lib/b.js' },
      { lang: '', text: 'plain' },
    ])
  })

  it('a first-line comment that is code, not a path, stays', () => {
    expect(codeBlocks('```ts\n// doubles the delay\ndelay *= 2\n```')).toEqual([
      { lang: 'ts', text: '// doubles the delay\ndelay *= 2' },
    ])
  })
})

describe('applyTarget', () => {
  const cite = { n: 2, path: 'src/retry.js', startLine: 3, endLine: 9 }
  it('a named file: its cited lines, else the selection in it, else the whole file', () => {
    expect(applyTarget({ lang: 'js', text: 'x', path: 'src/retry.js' }, ctx({ citations: [cite] }))).toEqual({
      path: 'src/retry.js',
      range: { startLine: 3, endLine: 9 },
      why: 'named in the block, cited [2]',
    })
    expect(
      applyTarget(
        { lang: 'ts', text: 'x', path: 'src/a.ts' },
        ctx({ selection: { path: 'src/a.ts', startLine: 4, endLine: 5 } }),
      ),
    ).toMatchObject({ range: { startLine: 4, endLine: 5 } })
    expect(applyTarget({ lang: 'ts', text: 'x', path: 'src/a.ts' }, ctx())).toEqual({
      path: 'src/a.ts',
      why: 'named in the block',
    })
  })

  it('else the first cited range in a file of the block language, else the open file', () => {
    const py = { n: 1, path: 'tools/run.py', startLine: 1, endLine: 2 }
    expect(applyTarget({ lang: 'js', text: 'x' }, ctx({ citations: [py, cite] }))).toMatchObject({
      path: 'src/retry.js',
      range: { startLine: 3, endLine: 9 },
    })
    expect(
      applyTarget(
        { lang: 'ts', text: 'x' },
        ctx({
          citations: [py, cite],
          activePath: 'src/a.ts',
          selection: { path: 'src/a.ts', startLine: 2, endLine: 2 },
        }),
      ),
    ).toEqual({ path: 'src/a.ts', range: { startLine: 2, endLine: 2 }, why: 'selection' })
    expect(applyTarget({ lang: 'ts', text: 'x' }, ctx({ activePath: 'src/a.ts' }))).toEqual({
      path: 'src/a.ts',
      why: 'open file',
    })
    expect(applyTarget({ lang: 'ts', text: 'x' }, ctx())).toBeUndefined()
  })
})
