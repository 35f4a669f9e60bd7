import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BINARY_ARRAYS,
  float8Array,
  int4Array,
  int8Array,
  textArray,
  tsvectorBinary,
  tsvectorLexemes,
} from '../../../src/main/core/index/store/binaryArrays'

// The store sends its array parameters in Postgres' binary format (binaryArrays.ts). Postgres
// itself decodes them here: every value must come back exactly as PGlite's text form gives it.

let db: PGlite
beforeAll(async () => {
  db = await PGlite.create('memory://')
})
afterAll(async () => {
  await db.close()
})

const TEXTS = [
  'plain',
  '',
  'héllo wörld ß',
  '😀 outside the BMP',
  'tab\there\nnewline\r\n "quotes" \\ backslash {braces} , comma NULL',
  'x'.repeat(100_000),
]

describe('binary array parameters', () => {
  it('round-trips text, int, bigint and float8 arrays as the text form does', async () => {
    const ints = [0, -1, 2147483647, -2147483648, 42, 7]
    const bigs = [0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1_700_000_000_000, 5]
    const floats = [0.1, -3.25, 1e300, -2.5, 1_732_000_000_123.456, Number.MIN_VALUE]
    const sql = `SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::float8[]) AS u(t, i, b, f)`
    const params = [TEXTS, ints, bigs, floats]
    const binary = await db.query(sql, params, BINARY_ARRAYS)
    const text = await db.query(sql, params)
    expect(binary.rows).toEqual(text.rows)
    expect(binary.rows.map((r) => (r as { t: string }).t)).toEqual(TEXTS)
  })

  it('sends empty arrays and works with = ANY', async () => {
    const empty = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM unnest($1::text[])',
      [[]],
      BINARY_ARRAYS,
    )
    expect(empty.rows[0]?.n).toBe(0)
    const any = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM unnest(ARRAY['a', 'héllo', 'c']) AS x WHERE x = ANY($1::text[])`,
      [['héllo', 'c', 'zz']],
      BINARY_ARRAYS,
    )
    expect(any.rows[0]?.n).toBe(2)
  })

  it('a lone surrogate becomes U+FFFD, as PGlite encodes it in text form', async () => {
    const s = ['lone \ud800 surrogate']
    const binary = await db.query<{ t: string }>('SELECT unnest($1::text[]) AS t', [s], BINARY_ARRAYS)
    const text = await db.query<{ t: string }>('SELECT unnest($1::text[]) AS t', [s])
    expect(binary.rows[0]?.t).toBe('lone \ufffd surrogate')
    expect(binary.rows).toEqual(text.rows)
  })

  it('Postgres refuses a NUL in text, as in text form', async () => {
    await expect(db.query('SELECT unnest($1::text[])', [['a\u0000b']], BINARY_ARRAYS)).rejects.toThrow()
  })

  it('sends tsvectors that equal array_to_tsvector of the same lexemes, in any order', async () => {
    const lists = [
      ['parse', 'http', 'header', 'parsehttphead'],
      ['zeta', 'alpha', 'alpha', 'beta', '', 'a', 'ab', 'abc', '1.5', '42'],
      [],
      ['x'.repeat(255)],
      // A JavaScript sort orders UTF-16 code units, Postgres UTF-8 bytes: for the last two they
      // disagree, and Postgres sorts what it received.
      ['über', 'zeta', 'émile', 'ab', '\u{1f600}x', '\uffffy'],
    ]
    const r = await db.query<{ same: boolean; n: number }>(
      `SELECT b = array_to_tsvector(string_to_array(t, ' ')) AS same, length(b) AS n
       FROM unnest($1::tsvector[], $2::text[]) AS u(b, t)`,
      [lists.map((l) => tsvectorBinary(new Set(l))), lists.map((l) => l.filter(Boolean).join(' '))],
      BINARY_ARRAYS,
    )
    expect(r.rows.map((x) => x.same)).toEqual([true, true, true, true, true])
    expect(r.rows.map((x) => x.n)).toEqual([4, 8, 0, 1, 6])
    // ASCII lexemes (nearly all of the indexer's) arrive in Postgres' own order, so it need not
    // sort them: the payload's order is the stored one.
    const order = await db.query<{ l: string[] }>(
      `SELECT tsvector_to_array(array_to_tsvector(string_to_array($1, ' '))) AS l`,
      [lists[1]?.filter(Boolean).join(' ')],
    )
    expect(tsvectorLexemes(tsvectorBinary(new Set(lists[1])))).toEqual(order.rows[0]?.l)
    // Found by the GIN index's operator like any other tsvector.
    const hit = await db.query<{ ok: boolean }>(
      `SELECT b @@ 'alpha & 1.5'::tsquery AS ok FROM unnest($1::tsvector[]) AS b`,
      [[tsvectorBinary(new Set(lists[1]))]],
      BINARY_ARRAYS,
    )
    expect(hit.rows[0]?.ok).toBe(true)
  })

  it('refuses values the binary form would store wrongly, with a clear error', () => {
    expect(() => tsvectorBinary(new Set(['a\u0000b']))).toThrow(/NUL/)
    expect(() => int4Array([1.5])).toThrow(/1\.5 is not a valid int\[\] element/)
    expect(() => int4Array([2147483648])).toThrow(/not a valid int\[\]/)
    expect(() => int8Array([Number.MAX_SAFE_INTEGER + 2])).toThrow(/not a valid bigint\[\]/)
    expect(() => textArray(['a', 3])).toThrow(/element 1 is not a string/)
    expect(() => float8Array('1,2')).toThrow(/must be an array/)
  })
})
