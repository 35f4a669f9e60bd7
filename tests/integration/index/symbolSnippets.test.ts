import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { tempDir } from './cliHelpers'
import { rawPg } from './rawPg'
import { writeAndIndex } from './writeAndIndex'

// Completion context looks up the chunks that declare the names used near the cursor
// (symbolSnippets). Since schema 5 through an index of the declared names themselves
// (chunks_symbols), not trigrams: exact names only, and the lookup must use that index.

const FILES: Record<string, string> = {
  'src/http.ts': 'export function parseHttpHeader(raw: string): string[] {\n  return raw.split(":")\n}\n',
  'src/httpX.ts': 'export function parseHttpHeaderX(raw: string): string {\n  return raw.trim()\n}\n',
  'src/upper.ts': 'export class ParseHttpHeader {\n  run(): void {}\n}\n',
  'src/uses.ts': 'const h = parseHttpHeader("a: b")\nconsole.log(h)\n',
  'src/retry.ts': 'export async function retryWithBackoff(n: number): Promise<void> {\n  await sleep(n)\n}\n',
}

describe('symbol lookups for completion context (real PGlite)', () => {
  const ws = tempDir('hearth-symbols')
  let db: IndexDb

  beforeAll(async () => {
    db = (await IndexDb.open(null)).db
    await writeAndIndex(db, ws.dir, FILES)
  }, 60_000)
  afterAll(async () => {
    await db?.close()
    ws.cleanup()
  })

  it('finds the chunks that declare a name, exactly (case and whole name), not those that use it', async () => {
    const hits = await db.symbolSnippets(['parseHttpHeader'], undefined, 5)
    expect(hits.map((h) => [h.path, h.symbol])).toEqual([['src/http.ts', 'parseHttpHeader']])
    expect(hits[0]?.content).toContain('export function parseHttpHeader')
  })

  it('looks up several names at once, leaves out the current file, ignores names of two letters', async () => {
    const names = ['retryWithBackoff', 'ParseHttpHeader', 'nope', 'h']
    const all = await db.symbolSnippets(names, undefined, 5)
    expect(all.map((h) => h.path).sort()).toEqual(['src/retry.ts', 'src/upper.ts'])
    const others = await db.symbolSnippets(names, 'src/upper.ts', 5)
    expect(others.map((h) => h.path)).toEqual(['src/retry.ts'])
    expect(await db.symbolSnippets(['h', 'ab'], undefined, 5)).toEqual([])
  })

  it('answers from the index of declared names (its query, explained)', async () => {
    // PGlite keeps no index usage statistics: record the query symbolSnippets sends and have
    // Postgres plan it, with sequential scans off (five chunks are cheaper to read than an index).
    const pg = rawPg(db)
    const seen: { sql: string; params: unknown[] }[] = []
    const query = pg.query.bind(pg)
    pg.query = ((sql: string, params?: unknown[], options?: unknown) => {
      seen.push({ sql, params: params ?? [] })
      return query(sql, params, options as never)
    }) as typeof pg.query
    try {
      await db.symbolSnippets(['retryWithBackoff'], undefined, 5)
    } finally {
      pg.query = query
    }
    const sent = seen.find((q) => q.sql.includes('symbols'))
    if (!sent) throw new Error('symbolSnippets sent no query')
    await pg.query('SET enable_seqscan = off')
    try {
      const plan = await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sent.sql}`, sent.params)
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('Index Scan on chunks_symbols')
    } finally {
      await pg.query('RESET enable_seqscan')
    }
  })
})
