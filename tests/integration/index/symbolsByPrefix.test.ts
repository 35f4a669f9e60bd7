import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { tempDir } from './cliHelpers'
import { writeAndIndex } from './writeAndIndex'

// The chat's @symbol picker: declared names by what the user has typed so far, over the real
// store. The lexemes the lookup narrows by are stemmed (retry → retri, parsing → pars), which
// must not hide a name whose typed prefix is whole.

const FILES: Record<string, string> = {
  'src/http.ts': 'export function parseHttpHeader(raw: string): string[] {\n  return raw.split(":")\n}\n',
  'src/parsing.ts': 'export function parsing(): boolean {\n  return true\n}\n',
  'src/retry.ts': [
    'export async function retryWithBackoff(n: number): Promise<void> {',
    '  await sleep(n)',
    '}',
    '',
    'export function retry(): void {}',
    '',
  ].join('\n'),
  'src/uses.ts': 'const h = parseHttpHeader("a: b")\nconsole.log(retry)\n',
}

describe('symbols by prefix for the @ picker (real PGlite)', () => {
  const ws = tempDir('hearth-symbol-prefix')
  let db: IndexDb

  beforeAll(async () => {
    db = (await IndexDb.open(null)).db
    await writeAndIndex(db, ws.dir, FILES)
  }, 60_000)
  afterAll(async () => {
    await db?.close()
    ws.cleanup()
  })

  it('finds declarations by a case-blind prefix, the exact name first, each with its chunk', async () => {
    const hits = await db.symbolsByPrefix('retry', 10)
    expect(hits.map((h) => h.name)).toEqual(['retry', 'retryWithBackoff'])
    expect(hits[1]).toMatchObject({ path: 'src/retry.ts', startLine: 1 })
    expect((await db.symbolsByPrefix('RETRYW', 10)).map((h) => h.name)).toEqual(['retryWithBackoff'])
  })

  it('finds a name by one of its words, and a whole word whose lexeme is stemmed', async () => {
    expect((await db.symbolsByPrefix('backoff', 10)).map((h) => h.name)).toEqual(['retryWithBackoff'])
    expect((await db.symbolsByPrefix('parsing', 10)).map((h) => h.name)).toEqual(['parsing'])
    expect((await db.symbolsByPrefix('parseH', 10)).map((h) => [h.name, h.path])).toEqual([
      ['parseHttpHeader', 'src/http.ts'],
    ])
  })

  it('uses of a name are not declarations; one letter asks nothing', async () => {
    expect((await db.symbolsByPrefix('console', 10)).map((h) => h.name)).toEqual([])
    expect(await db.symbolsByPrefix('r', 10)).toEqual([])
  })
})
