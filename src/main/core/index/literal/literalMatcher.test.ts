import { describe, expect, it } from 'vitest'
import {
  applyMatches,
  compilePattern,
  findLines,
  MAX_LINE_TEXT,
  requiredLiteral,
  textMatches,
  toRegExp,
} from './literalMatcher'

const re = (query: string, o: { regex?: boolean; caseSensitive?: boolean; wholeWord?: boolean } = {}) =>
  toRegExp(compilePattern({ query, ...o }))

describe('literal matcher', () => {
  it('finds every match per line, with 1-based lines and columns in the line', () => {
    const { lines, count } = findLines('a foo\nfoo foo\nbar\nFOO', re('foo'), 100)
    expect(count).toBe(4)
    expect(lines).toEqual([
      { line: 1, text: 'a foo', offset: 0, ranges: [[2, 5]] },
      {
        line: 2,
        text: 'foo foo',
        offset: 0,
        ranges: [
          [0, 3],
          [4, 7],
        ],
      },
      { line: 4, text: 'FOO', offset: 0, ranges: [[0, 3]] },
    ])
  })

  it('CRLF: the same lines and columns as LF, no \\r in the text, `$` before it', () => {
    const lf = findLines('x = 1\nlet y\n', re('y$', { regex: true }), 10)
    const crlf = findLines('x = 1\r\nlet y\r\n', re('y$', { regex: true }), 10)
    expect(crlf).toEqual(lf)
    expect(crlf.lines).toEqual([{ line: 2, text: 'let y', offset: 0, ranges: [[4, 5]] }])
  })

  it('never spans lines, skips empty matches, stops at the limit', () => {
    expect(findLines('a\nb', re('a\\sb', { regex: true }), 10).count).toBe(0)
    expect(findLines('xx\n\nyx', re('x*', { regex: true }), 10).lines.map((l) => l.line)).toEqual([1, 3])
    expect(findLines('foo foo\nfoo', re('foo'), 2)).toMatchObject({ count: 2, lines: [{ line: 1 }] })
  })

  it('whole word is grep -w: no letter, digit or _ on either side', () => {
    const { lines } = findLines('foo food _foo foo_ (foo) 1foo café foo', re('foo', { wholeWord: true }), 10)
    expect(lines[0]?.ranges).toEqual([
      [0, 3],
      [20, 23],
      [35, 38],
    ])
  })

  it('takes special characters literally unless regex', () => {
    expect(findLines('a.b axb', re('a.b'), 10).lines[0]?.ranges).toEqual([[0, 3]])
    expect(findLines('a.b axb', re('a.b', { regex: true }), 10).lines[0]?.ranges).toEqual([
      [0, 3],
      [4, 7],
    ])
    expect(() => compilePattern({ query: '(', regex: true })).toThrow(SyntaxError)
  })

  it("a regex's required literal: only text every match must contain", () => {
    const cases: [string, string | null][] = [
      ['use[A-Z][a-z]+Effect', 'Effect'],
      ['value\\d+ = \\d+', 'value'],
      ['foo\\.bar\\(', 'foo.bar('],
      ['abc*', 'ab'],
      ['colou?r', 'colo'],
      ['a|b', null],
      ['(foo)bar?', 'ba'],
      ['x(?=yy)', null],
      ['[abc]+\\w', null],
      ['^import .* from', 'import '],
      ['\\bword\\b', 'word'],
      ['a{2}bc', 'bc'],
      // Quantifier bodies and escape payloads are not text a match needs.
      ['\\d{10}', null],
      ['[0-9a-f]{40}', null],
      ['x{2,3}yz', 'yz'],
      ['\\x41BC', 'BC'],
      ['\\u00e9té', 'té'],
      ['\\cAbc', 'bc'],
      ['(?<q>[\'"])\\k<q>', null],
      ['\\p{L}', null],
      ['\\1234', null],
    ]
    for (const [source, literal] of cases)
      expect([source, requiredLiteral(source)]).toEqual([source, literal])
    // Every match of each contains its literal (checked on text made to match).
    for (const [source, text] of [
      ['use[A-Z][a-z]+Effect', 'useLayoutEffect'],
      ['colou?r', 'color colour'],
      ['abc*', 'ab abccc'],
      ['\\d{10}', 'call 0123456789'],
      ['[0-9a-f]{40}', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
      ['\\x41BC', 'ABC'],
      ['x{2,3}yz', 'xxyz'],
    ] as const) {
      expect(new RegExp(source).test(text)).toBe(true)
      const lit = requiredLiteral(source) ?? ''
      for (const m of text.matchAll(new RegExp(source, 'g'))) expect(m[0]).toContain(lit)
    }
    expect(compilePattern({ query: 'use[A-Z]\\w+Effect', regex: true, caseSensitive: true }).needle).toBe(
      'Effect',
    )
    expect(compilePattern({ query: 'use[A-Z]\\w+Effect', regex: true }).needle).toBeNull()
    // In any case, the literal is looked for in the bytes read as Latin-1 (ASCII only).
    expect(compilePattern({ query: 'use[A-Z]\\w+Effect', regex: true }).latin1).toBe('Effect')
    expect(compilePattern({ query: 'caf[eé]', regex: true }).latin1).toBe('caf')
    expect(compilePattern({ query: 'café' }).latin1).toBeNull()
    expect(compilePattern({ query: 'a.b' }).latin1).toBe('a\\.b')
    expect(compilePattern({ query: 'a.b', caseSensitive: true }).latin1).toBeNull()
  })

  it('cuts a very long line around its first match and says where the text starts', () => {
    const line = `${'x'.repeat(5000)}needle${'y'.repeat(5000)}`
    const [l] = findLines(line, re('needle'), 10).lines
    expect(l?.text.length).toBe(MAX_LINE_TEXT)
    expect(l && l.text.slice(l.ranges[0]?.[0], l.ranges[0]?.[1])).toBe('needle')
    expect((l?.offset ?? 0) + (l?.ranges[0]?.[0] ?? 0)).toBe(5000)
  })

  it('replacement: $1, $<name>, $&, $$ as String.replace; literal text as it is', () => {
    const text = 'v1.2 and v3.4\n'
    const r = re('v(\\d)\\.(?<minor>\\d)', { regex: true })
    const ms = textMatches(text, r, '$<minor>.$1 [$&] $$', true)
    expect(ms.map((m) => m.replacement)).toEqual(['2.1 [v1.2] $', '4.3 [v3.4] $'])
    expect(applyMatches(text, ms).text).toBe(text.replace(/v(\d)\.(?<minor>\d)/g, '$<minor>.$1 [$&] $$'))
    expect(textMatches('a$1', re('a'), '$1', false)[0]?.replacement).toBe('$1')
  })

  it('applies only the accepted matches, counted in file order', () => {
    const text = 'foo\r\nfoo foo\r\n'
    const ms = textMatches(text, re('foo'), 'bar', false)
    expect(ms.map((m) => [m.line, m.lineStart])).toEqual([
      [1, 0],
      [2, 0],
      [2, 4],
    ])
    expect(applyMatches(text, ms, new Set([0, 2]))).toEqual({ text: 'bar\r\nfoo bar\r\n', replaced: 2 })
  })
})
