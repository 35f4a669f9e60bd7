import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir } from './index/cliHelpers'

/** `hearth search --mode literal` through the real CLI (from source), on real files, no index. */
describe('hearth search --mode literal', () => {
  let ws: string
  let cleanup: () => void
  beforeAll(() => {
    ;({ dir: ws, cleanup } = tempDir('literal-cli'))
    mkdirSync(join(ws, 'src'))
    writeFileSync(join(ws, 'src/a.ts'), 'const getSanitizedOptions = 1\nfoo(getSanitizedOptions)\n')
    writeFileSync(join(ws, 'src/b.py'), 'getsanitizedoptions = None\r\n')
    writeFileSync(join(ws, 'src/c.ts'), 'getSanitizedOptionsCache\n')
  })
  afterAll(() => cleanup())

  const search = async (...args: string[]) => {
    const r = await runCli(['search', '--mode', 'literal', '--workspace', ws, '--json', ...args])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    return (
      JSON.parse(r.stdout) as {
        results: { path: string; startLine: number; endLine: number; snippet: string; score: number }[]
      }
    ).results
  }

  it('answers in the JSON shape of the other modes, startLine the matching line', async () => {
    const results = await search('--case-sensitive', '--word', 'getSanitizedOptions')
    expect(results).toEqual([
      {
        path: 'src/a.ts',
        startLine: 1,
        endLine: 1,
        score: 1,
        snippet: 'const getSanitizedOptions = 1',
        ranges: [[6, 25]],
      },
      {
        path: 'src/a.ts',
        startLine: 2,
        endLine: 2,
        score: 1,
        snippet: 'foo(getSanitizedOptions)',
        ranges: [[4, 23]],
      },
    ])
  }, 60_000)

  it('any case by default, --glob, --regex; CRLF lines without \\r', async () => {
    expect((await search('getsanitizedoptions')).map((r) => `${r.path}:${r.startLine}`)).toEqual([
      'src/a.ts:1',
      'src/a.ts:2',
      'src/b.py:1',
      'src/c.ts:1',
    ])
    const py = await search('--glob', '*.py', 'getsanitizedoptions')
    expect(py).toEqual([
      {
        path: 'src/b.py',
        startLine: 1,
        endLine: 1,
        score: 1,
        snippet: 'getsanitizedoptions = None',
        ranges: [[0, 19]],
      },
    ])
    expect((await search('--regex', 'Options(Cache)?$')).map((r) => r.path)).toEqual(['src/c.ts'])
  }, 60_000)

  it('an invalid regex is one sentence and exit 2', async () => {
    const r = await runCli(['search', '--mode', 'literal', '--workspace', ws, '--regex', 'a[b'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'hearth search: "a[b" is not a valid regular expression: Unterminated character class\n',
    )
  }, 60_000)
})
