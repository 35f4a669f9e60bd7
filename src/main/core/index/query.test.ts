import { describe, expect, it } from 'vitest'
import { canonicalWord } from '../text/vocabulary'
import { globToRegExp, processQuery } from './query'

describe('processQuery', () => {
  it('drops stop words, splits identifiers and expands abbreviations', () => {
    const q = processQuery('how to init the parseHttpHeader str')
    const w = Object.fromEntries(q.terms.map((t) => [t.text, t.weight]))
    expect(w.how).toBeUndefined()
    expect(w.the).toBeUndefined()
    expect(w.init).toBe(1)
    expect(w.initialize).toBe(0.5)
    expect(w.parsehttpheader).toBe(1)
    expect(w.http).toBe(0.7)
    expect(w.string).toBe(0.5)
    expect(q.words).toEqual(['init', 'parse', 'http', 'header', 'str'])
  })
  it('maps abbreviations to one canonical long form', () => {
    expect(canonicalWord('rm')).toBe('remove')
    expect(canonicalWord('remove')).toBe('remove')
  })
})

describe('globToRegExp', () => {
  const m = (glob: string, path: string): boolean => new RegExp(globToRegExp(glob)).test(path)
  it('matches like a shell glob', () => {
    expect(m('*.ts', 'src/a/b.ts')).toBe(true)
    expect(m('*.ts', 'src/a/b.tsx')).toBe(false)
    expect(m('src/**', 'src/a/b.ts')).toBe(true)
    expect(m('src/*.ts', 'src/a/b.ts')).toBe(false)
    expect(m('src/**/*.ts', 'src/b.ts')).toBe(true)
    expect(m('{lib,src}/**/*.go', 'lib/x/y.go')).toBe(true)
    expect(m('src', 'src/x.ts')).toBe(true)
    expect(m('src', 'other/x.ts')).toBe(false)
  })
})
