import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processQuery } from '../../../src/main/core/index/query'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { writeAndIndex } from './writeAndIndex'

// Each word on its own is in more chunks than the full-text candidate budget (500), so the query
// takes the "everyday words" path: candidates must hold the rarest words together.
const ONE_WORD = 560
const ALL_THREE = 6
const TWO_OF_THREE = 24

const files: Record<string, string> = {}
const fn = (name: string, body: string): string =>
  `export function ${name}(x: number): number {\n${body}\n}\n`
for (let i = 0; i < ALL_THREE; i++)
  files[`all/a${i}.ts`] = fn(`combine${i}`, '  // merge options with defaults\n  return x')
for (let i = 0; i < TWO_OF_THREE; i++)
  files[`two/t${i}.ts`] = fn(`pair${i}`, '  // merge the options\n  return x')
// Neutral file names: the path is searchable too (label A), and must not carry the words.
for (const [k, w] of ['merge', 'options', 'defaults'].entries())
  for (let i = 0; i < ONE_WORD; i++)
    files[`one/f${k}n${i}.ts`] = fn(`single${i}`, `  // ${w}\n  return x + ${i}`)

describe('full-text search for everyday words (real PGlite)', () => {
  let root: string
  let db: IndexDb

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-everyday-'))
    db = (await IndexDb.open(null)).db
    await writeAndIndex(db, root, files)
    await db.refreshTermStats()
  }, 120_000)
  afterAll(async () => {
    await db?.close()
    await rm(root, { recursive: true, force: true })
  })

  it('ranks chunks with all the words first, then those with two, never one-word chunks', async () => {
    const hits = await db.searchFts({ terms: processQuery('merge options with defaults').terms, limit: 60 })
    const group = (p: string): string => p.slice(0, p.indexOf('/'))
    // Fewer chunks hold all three than asked for: the rest come from chunks holding two of them.
    expect(hits.map((h) => group(h.path))).toEqual([
      ...Array<string>(ALL_THREE).fill('all'),
      ...Array<string>(TWO_OF_THREE).fill('two'),
    ])
  })

  it('a query of two everyday words fills up from the rarer one, within the budget', async () => {
    const hits = await db.searchFts({ terms: processQuery('merge options').terms, limit: 60 })
    expect(hits.length).toBe(60)
    // Chunks holding both come first, then chunks with one of them.
    const both = ALL_THREE + TWO_OF_THREE
    expect(hits.slice(0, both).every((h) => !h.path.startsWith('one/'))).toBe(true)
    expect(hits.slice(both).every((h) => h.path.startsWith('one/'))).toBe(true)
  })
})
