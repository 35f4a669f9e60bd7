import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tsvectorLexemes } from '../../../src/main/core/index/store/binaryArrays'
import { IndexDb, prepareBatch } from '../../../src/main/core/index/store/indexDb'
import { MIGRATIONS } from '../../../src/main/core/index/store/migrations'
import { CACHE_SIZING, openDatabase } from '../../../src/main/core/index/store/pgInstance'
import { tempDir } from './cliHelpers'
import { rawPg } from './rawPg'
import { writeAndIndex } from './writeAndIndex'

// Schema 4: chunk rows up to a page are stored uncompressed, and the tsvectors are written by the
// INSERT from the lexemes the prepare step made (no stored copy of the lexemes). An index written
// at schema 3 keeps its rows and stays searchable.

const LATEST = MIGRATIONS[MIGRATIONS.length - 1]?.version

/** A function body of about `bytes` characters of ordinary, compressible code. */
function longFunction(name: string, bytes: number): string {
  const lines = [`export function ${name}(input: number[]): number {`, '  let total = 0']
  for (let i = 0; lines.join('\n').length < bytes; i++)
    lines.push(`  total += input[${i}] * ${i} // step ${i}`)
  return [...lines, '  return total', '}', ''].join('\n')
}

describe('chunk rows at schema 4', () => {
  const tmp = tempDir('chunk-storage')
  const dir = tmp.dir
  afterAll(() => tmp.cleanup())

  it('stores a chunk row over 2 kB uncompressed, with the tsvector of exactly its prepared lexemes', async () => {
    await mkdir(join(dir, 'fresh'))
    const { db } = await IndexDb.open(join(dir, 'fresh'))
    try {
      const root = join(dir, 'ws-fresh')
      const text = longFunction('weightedTotal', 2800)
      await writeAndIndex(db, root, { 'sum.ts': text })
      const pg = rawPg(db)
      const rows = await pg.query<{
        compression: string | null
        size: number
        lexemes: string
        names: string
      }>(
        `SELECT pg_column_compression(content) AS compression, octet_length(content) AS size,
                array_to_string(tsvector_to_array(tsv), ' ') AS lexemes,
                array_to_string(tsvector_to_array(ntsv), ' ') AS names
         FROM chunks ORDER BY start_line`,
      )
      // Postgres' default (toast_tuple_target 2032 bytes) pglz-compressed such a row's content.
      const big = rows.rows.find((r) => r.size > 2500)
      expect(big).toBeDefined()
      expect(big?.compression).toBeNull()

      const prepared = prepareBatch(
        root,
        [{ path: 'sum.ts', size: text.length, mtimeMs: 0 }],
        () => undefined,
      )
      const want = prepared.prepared[0]?.rows ?? []
      expect(want.length).toBe(rows.rows.length)
      const sorted = (s: string): string => s.split(' ').filter(Boolean).sort().join(' ')
      expect(rows.rows.map((r) => sorted(r.lexemes))).toEqual(
        want.map((r) => sorted(tsvectorLexemes(r.tsv).join(' '))),
      )
      // Names: the path's lexemes and the declared symbol, whole and by its parts.
      expect(rows.rows.map((r) => sorted(r.names))).toEqual(['sum total weight weightedtot'])
    } finally {
      await db.close()
    }
  }, 60_000)

  it('an index at schema 3 keeps its rows: searchable after the upgrade, then updated as new', async () => {
    await mkdir(join(dir, 'v3'))
    const pgDir = join(dir, 'v3', 'pg')
    const old = await openDatabase(pgDir, CACHE_SIZING, MIGRATIONS.slice(0, 3), 'index', (pg) =>
      Promise.resolve(pg),
    )
    await old.db.query(
      `INSERT INTO files (path, hash, size, mtime_ms, language, chunks) VALUES ('a.ts', 'h', 1, 1, 'typescript', 1)`,
    )
    await old.db.query(
      `INSERT INTO chunks (path, start_line, end_line, language, hash, symbols, content, lexemes, name_lexemes)
       VALUES ('a.ts', 1, 1, 'typescript', 'h', 'legacyThing', 'legacyThing()', 'legacyth legaci thing', 'legacyth')`,
    )
    await old.db.close()

    const { db, result } = await IndexDb.open(join(dir, 'v3'))
    try {
      expect(result.schemaVersion).toBe(LATEST)
      expect(result.stats).toMatchObject({ files: 1, chunks: 1 })
      await db.refreshTermStats()
      const before = await db.searchFts({ terms: [{ text: 'legacyThing', weight: 1 }], limit: 5 })
      expect(before.map((h) => h.path)).toEqual(['a.ts'])

      // The old file changes: its old row goes, the new one is written the schema-4 way.
      await writeAndIndex(db, join(dir, 'ws-v3'), { 'a.ts': 'export function freshThing() {}\n' })
      await db.refreshTermStats()
      expect(await db.searchFts({ terms: [{ text: 'legacyThing', weight: 1 }], limit: 5 })).toEqual([])
      const after = await db.searchFts({ terms: [{ text: 'freshThing', weight: 1 }], limit: 5 })
      expect(after.map((h) => h.path)).toEqual(['a.ts'])
      const df = db.documentFrequencies()
      expect([df.get('legacyth'), df.get('freshth')]).toEqual([undefined, 1])
    } finally {
      await db.close()
    }
  }, 60_000)
})
