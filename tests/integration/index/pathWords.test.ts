import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processQuery } from '../../../src/main/core/index/query'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { tempDir } from './cliHelpers'
import { rawPg } from './rawPg'
import { writeAndIndex } from './writeAndIndex'

// A file's path words are searchable through its first chunk only: every chunk of the file
// carries them among its names (ranking), but only the first holds them in the indexed tsvector.
// Repeated in every chunk they were ≈17 % of the GIN index's entries on a first index.

function fn(name: string, lines: number): string {
  const body = Array.from({ length: lines }, (_, i) => `  total += input[${i}] * ${i}`)
  return [
    `export function ${name}(input: number[]): number {`,
    '  let total = 0',
    ...body,
    '  return total',
    '}',
    '',
  ].join('\n')
}

describe('path words (real PGlite)', () => {
  const ws = tempDir('hearth-pathwords')
  let db: IndexDb

  beforeAll(async () => {
    db = (await IndexDb.open(null)).db
    await writeAndIndex(db, ws.dir, {
      'src/zebra/stripeCounter.ts': [fn('sumFirst', 120), fn('sumSecond', 120), fn('sumThird', 120)].join(
        '\n',
      ),
      'src/other.ts': fn('unrelated', 10),
    })
    await db.refreshTermStats()
  }, 60_000)
  afterAll(async () => {
    await db?.close()
    ws.cleanup()
  })

  it('are in the first chunk’s tsvector and in every chunk’s names', async () => {
    const rows = await rawPg(db).query<{ body: boolean; name: boolean }>(
      `SELECT tsv @@ 'zebra & stripe'::tsquery AS body, ntsv @@ 'zebra & stripe'::tsquery AS name
       FROM chunks WHERE path = 'src/zebra/stripeCounter.ts' ORDER BY start_line`,
    )
    expect(rows.rows.length).toBeGreaterThan(1)
    expect(rows.rows.map((r) => r.body)).toEqual(rows.rows.map((_, i) => i === 0))
    expect(rows.rows.every((r) => r.name)).toBe(true)
  })

  it('find the file by a word only its path holds', async () => {
    const hits = await db.searchFts({ terms: processQuery('zebra').terms, limit: 5 })
    expect(hits.map((h) => [h.path, h.startLine])).toEqual([['src/zebra/stripeCounter.ts', 1]])
  })

  it('still rank a file’s chunks first when the other query words are in its code', async () => {
    const hits = await db.searchFts({ terms: processQuery('stripe sumThird').terms, limit: 5 })
    // The chunk declaring sumThird, not the first one (which alone holds `stripe` in its tsvector).
    expect(hits[0]?.path).toBe('src/zebra/stripeCounter.ts')
    expect(hits[0]?.startLine).toBeGreaterThan(200)
  })
})
