import { describe, expect, it } from 'vitest'
import { highlightParts, queryWords } from './highlight'

describe('highlightParts', () => {
  it('marks every query word, case-insensitively, longest first', () => {
    expect(highlightParts('const parseHttp = HTTP.parse(x)', ['parse', 'parsehttp', 'http'])).toEqual([
      { text: 'const ', match: false },
      { text: 'parseHttp', match: true },
      { text: ' = ', match: false },
      { text: 'HTTP', match: true },
      { text: '.', match: false },
      { text: 'parse', match: true },
      { text: '(x)', match: false },
    ])
  })
  it('returns the line untouched without words', () => {
    expect(highlightParts('a+b', [])).toEqual([{ text: 'a+b', match: false }])
  })
  it('splits identifiers in the query', () => {
    expect(queryWords('parseHttp header_value')).toEqual([
      'parseHttp',
      'parse',
      'Http',
      'header_value',
      'header',
      'value',
    ])
  })
})
