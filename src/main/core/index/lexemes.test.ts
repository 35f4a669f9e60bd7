import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { searchWords } from './identifiers'
import { addTextLexemes, ENGLISH_STOP_WORDS, lexemeList, lexemeOf } from './lexemes'

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

describe('addTextLexemes', () => {
  it("adds exactly lexemeList(searchWords(text)), on every source file of this project's src/", () => {
    const files: string[] = []
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true }))
        if (e.isDirectory()) walk(join(dir, e.name))
        else if (/\.tsx?$/.test(e.name)) files.push(join(dir, e.name))
    }
    walk(join(import.meta.dirname, '..', '..', '..'))
    expect(files.length).toBeGreaterThan(100)
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      const got = new Set<string>()
      addTextLexemes(text, got)
      // Twice: the second run reads the per-token memo the first one filled.
      const again = new Set<string>()
      addTextLexemes(text, again)
      const want = new Set(lexemeList(searchWords(text)).split(' ').filter(Boolean))
      expect(got, f).toEqual(want)
      expect(again, f).toEqual(want)
    }
  })

  it('tokenizes odd text exactly as identifierTokens does (fractions, $ and _, non-ASCII, runs over 64)', () => {
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
    for (let k = 0; k < 3000; k++) {
      const text = Array.from({ length: next(40) }, () => alphabet[next(alphabet.length)]).join('')
      const got = new Set<string>()
      addTextLexemes(text, got)
      expect(got, JSON.stringify(text)).toEqual(
        new Set(lexemeList(searchWords(text)).split(' ').filter(Boolean)),
      )
    }
  })

  it('adds to what the set holds already', () => {
    const out = new Set(['kept'])
    addTextLexemes('parseHttpHeader(the_value)', out)
    expect([...out]).toEqual(['kept', 'parsehttphead', 'pars', 'http', 'header', 'thevalu', 'valu'])
  })
})
