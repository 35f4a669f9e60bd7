import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { searchWords } from '../text/identifiers'
import { ENGLISH_STOP_WORDS, LexemeCollector, lexemeList, lexemeOf } from './lexemes'

describe('lexemeOf', () => {
  it('stems words of letters the way Postgres english does (Porter2)', () => {
    expect(lexemeOf('parsing')).toBe('pars')
    expect(lexemeOf('headers')).toBe('header')
    expect(lexemeOf('values')).toBe('valu')
    expect(lexemeOf('initialize')).toBe('initi')
  })

  it('drops stop words and keeps words with digits as they are', () => {
    expect(lexemeOf('the')).toBeNull()
    expect(lexemeOf('because')).toBeNull()
    expect(lexemeOf('utf8')).toBe('utf8')
    expect(lexemeOf('es2015')).toBe('es2015')
    expect(lexemeOf('0.5')).toBe('0.5')
  })

  it('refuses nothing and monsters', () => {
    expect(lexemeOf('')).toBeNull()
    expect(lexemeOf('x'.repeat(256))).toBeNull()
    expect(lexemeOf('x'.repeat(255))).toBe('x'.repeat(255))
  })

  it('has the 127 words of Postgres english.stop', () => {
    expect(ENGLISH_STOP_WORDS.size).toBe(127)
  })
})

describe('lexemeList', () => {
  it('gives each lexeme once, in first-use order, with no empty entries', () => {
    expect(lexemeList('parse  parsing the parser http 2 parse')).toBe('pars parser http 2')
    expect(lexemeList('')).toBe('')
    expect(lexemeList('the and of')).toBe('')
  })
})

/** One chunk's lexemes through a collector, as a Set. */
function chunkLexemes(c: LexemeCollector, text: string): Set<string> {
  c.beginChunk()
  c.addText(text)
  return new Set(c.endChunk())
}

const searchLexemes = (text: string): Set<string> =>
  new Set(lexemeList(searchWords(text)).split(' ').filter(Boolean))

describe('LexemeCollector', () => {
  it("collects exactly lexemeList(searchWords(text)), on every source file of this project's src/", () => {
    const files: string[] = []
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true }))
        if (e.isDirectory()) walk(join(dir, e.name))
        else if (/\.tsx?$/.test(e.name)) files.push(join(dir, e.name))
    }
    walk(join(import.meta.dirname, '..', '..', '..'))
    expect(files.length).toBeGreaterThan(100)
    const c = new LexemeCollector()
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      const want = searchLexemes(text)
      expect(chunkLexemes(c, text), f).toEqual(want)
      // Again: this time every token is found in the token table the first run filled.
      expect(chunkLexemes(c, text), f).toEqual(want)
    }
  })

  it("collects searchWords' lexemes for odd text too (fractions, $ and _, non-ASCII, runs over 64)", () => {
    // A fixed pseudo-random source, so a failure names the same text every run.
    let seed = 7
    const next = (n: number): number => {
      seed = (seed * 48271) % 2147483647
      return seed % n
    }
    const alphabet = [
      'a',
      'Z',
      'q',
      '_',
      '$',
      '0',
      '7',
      '.',
      ' ',
      '\n',
      'é',
      '-',
      'Http',
      'get',
      '1.5',
      'x'.repeat(70),
      // The longest token kept, and one char more, each on its own.
      ` ${'y'.repeat(64)} `,
      ` ${'w'.repeat(65)} `,
    ]
    const c = new LexemeCollector()
    for (let k = 0; k < 3000; k++) {
      const text = Array.from({ length: next(40) }, () => alphabet[next(alphabet.length)]).join('')
      expect(chunkLexemes(c, text), JSON.stringify(text)).toEqual(searchLexemes(text))
    }
  })

  it('counts, per batch, the chunks that hold each lexeme, names and text together', () => {
    const c = new LexemeCollector()
    c.beginChunk()
    c.addLexemes(['http', 'client', ''])
    c.addText('parseHttpHeader(the_value) // http http')
    expect(c.endChunk().sort()).toEqual([
      'client',
      'header',
      'http',
      'pars',
      'parsehttphead',
      'thevalu',
      'valu',
    ])
    c.beginChunk()
    c.addText('const value = parseHttpHeader(raw)')
    expect(c.endChunk().sort()).toEqual(['const', 'header', 'http', 'pars', 'parsehttphead', 'raw', 'valu'])
    const { lexemes, counts } = c.counts()
    const df = Object.fromEntries(lexemes.split(' ').map((l, i) => [l, counts[i]]))
    expect(df).toEqual({
      http: 2,
      client: 1,
      parsehttphead: 2,
      pars: 2,
      header: 2,
      thevalu: 1,
      valu: 2,
      const: 1,
      raw: 1,
    })
    // The next batch counts from zero, sharing nothing but the tables.
    const next = new LexemeCollector()
    chunkLexemes(next, 'raw raw')
    expect(next.counts()).toEqual({ lexemes: 'raw', counts: Int32Array.from([1]) })
  })
})
