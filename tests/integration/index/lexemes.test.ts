import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { searchWords } from '../../../src/main/core/text/identifiers'
import { ENGLISH_STOP_WORDS, lexemeOf } from '../../../src/main/core/index/lexemes'
import { IndexDb } from '../../../src/main/core/index/store/indexDb'
import { MIGRATIONS } from '../../../src/main/core/index/store/migrations'
import { CACHE_SIZING, openDatabase } from '../../../src/main/core/index/store/pgInstance'
import { rawPg } from './rawPg'
import { writeAndIndex } from './writeAndIndex'

// Lexemes are made in JavaScript (lexemes.ts) with the rules of Postgres' english configuration,
// and the tsvector is built from them: checked against Postgres itself, then end to end.

/** Every word of this project's own sources, as the indexer splits them. */
function vocabulary(): string[] {
  const words = new Set<string>()
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.tsx?$/.test(e.name))
        for (const w of searchWords(readFileSync(p, 'utf8')).split(' ')) words.add(w)
    }
  }
  walk(join(import.meta.dirname, '..', '..', '..', 'src'))
  return [...words].filter((w) => /^[a-z]+$/.test(w))
}

describe('lexemes agree with Postgres english (real PGlite)', () => {
  let db: IndexDb
  let pg: PGlite
  beforeAll(async () => {
    db = (await IndexDb.open(null)).db
    pg = rawPg(db)
  }, 60_000)
  afterAll(async () => {
    await db?.close()
  })

  it('drops the same stop words and stems the same way', async () => {
    const words = [...new Set([...vocabulary(), ...ENGLISH_STOP_WORDS])]
    expect(words.length).toBeGreaterThan(3000)
    const r = await pg.query<{ w: string; l: string[] }>(
      `SELECT w, ts_lexize('english_stem', w) AS l FROM unnest($1::text[]) AS w`,
      [words],
    )
    const stops = r.rows.filter((x) => x.l.length === 0).map((x) => x.w)
    expect(new Set(stops)).toEqual(new Set(words.filter((w) => ENGLISH_STOP_WORDS.has(w))))
    expect(stops.length).toBe(ENGLISH_STOP_WORDS.size)
    const differ = r.rows.filter((x) => x.l.length > 0 && lexemeOf(x.w) !== x.l[0])
    // Porter2 as published and the Snowball release Postgres ships differ on a handful of words
    // ("added": add / ad); the two sides of a search both use lexemeOf, so they always agree.
    expect(differ.length / r.rows.length, JSON.stringify(differ.slice(0, 10))).toBeLessThan(0.001)
  })
})

describe('full-text search over JavaScript-made lexemes (real PGlite)', () => {
  let root: string
  let db: IndexDb
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-lexemes-'))
    db = (await IndexDb.open(null)).db
    await writeAndIndex(db, root, {
      'net/headers.ts': 'export function parseHttpHeader(raw: string) {\n  return raw.split(":")\n}\n',
      'net/body.ts':
        '// reads the body; headers were parsed before\nexport function readBody(s: Stream) {\n  return s\n}\n',
      'misc/snake.py': 'def load_user_settings(path):\n    return open(path).read()\n',
    })
    await db.refreshTermStats()
  }, 60_000)
  afterAll(async () => {
    await db?.close()
    await rm(root, { recursive: true, force: true })
  })

  const paths = async (...words: string[]): Promise<string[]> =>
    (await db.searchFts({ terms: words.map((text) => ({ text, weight: 1 })), limit: 10 })).map((h) => h.path)

  it('finds other forms of a word (stemmed on both sides)', async () => {
    expect(await paths('parsing', 'headers')).toEqual(['net/headers.ts', 'net/body.ts'])
  })

  it('ranks a name above the same word in a body', async () => {
    expect((await paths('header'))[0]).toBe('net/headers.ts')
    expect((await paths('body'))[0]).toBe('net/body.ts')
  })

  it('matches a snake_case name whole and by its parts; stop words alone find nothing', async () => {
    expect(await paths('loadusersettings')).toEqual(['misc/snake.py'])
    expect(await paths('settings')).toEqual(['misc/snake.py'])
    expect(await paths('the', 'were')).toEqual([])
  })
})

describe('an index from before (schema 2) is rebuilt on open', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-schema2-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('drops the old rows, then indexes and searches as new', async () => {
    const old = await openDatabase(join(dir, 'pg'), CACHE_SIZING, MIGRATIONS.slice(0, 2), 'index', (pg) =>
      Promise.resolve(pg),
    )
    await old.db.query(
      `INSERT INTO files (path, hash, size, mtime_ms, language, chunks) VALUES ('a.ts', 'h', 1, 1, 'typescript', 1)`,
    )
    await old.db.query(
      `INSERT INTO chunks (path, start_line, end_line, language, hash, symbols, content, names, words)
       VALUES ('a.ts', 1, 1, 'typescript', 'h', 'oldThing', 'oldThing()', 'a oldthing', 'oldthing')`,
    )
    await old.db.query(`INSERT INTO term_stats VALUES ('oldth', 1)`)
    await old.db.close()

    const { db, result } = await IndexDb.open(dir)
    try {
      expect(result.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1]?.version)
      expect(result.rebuilt).toBeNull()
      expect(result.stats).toMatchObject({ files: 0, chunks: 0 })
      expect(db.fileStates()).toEqual([])
      const root = join(dir, 'ws')
      await writeAndIndex(db, root, { 'a.ts': 'export function newThing() {}\n' })
      await db.refreshTermStats()
      const hits = await db.searchFts({ terms: [{ text: 'newthing', weight: 1 }], limit: 5 })
      expect(hits.map((h) => h.path)).toEqual(['a.ts'])
      expect(await db.searchFts({ terms: [{ text: 'oldthing', weight: 1 }], limit: 5 })).toEqual([])
    } finally {
      await db.close()
    }
  }, 60_000)
})
