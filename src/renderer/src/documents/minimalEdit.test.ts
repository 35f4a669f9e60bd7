import { describe, expect, it } from 'vitest'
import { minimalEdit } from './minimalEdit'

function apply(before: string, after: string): string {
  const e = minimalEdit(before, after)
  return e ? before.slice(0, e.start) + e.text + before.slice(e.end) : before
}

describe('minimalEdit', () => {
  it('returns nothing for equal texts', () => {
    expect(minimalEdit('abc', 'abc')).toBeUndefined()
  })
  it('keeps the common prefix and suffix', () => {
    expect(minimalEdit('line1\nline2\nline3', 'line1\nLINE2\nline3')).toEqual({
      start: 6,
      end: 10,
      text: 'LINE',
    })
    expect(minimalEdit('abc', 'abXc')).toEqual({ start: 2, end: 2, text: 'X' })
    expect(minimalEdit('aaa', 'aa')).toEqual({ start: 2, end: 3, text: '' })
  })
  it('round-trips arbitrary pairs, including surrogates', () => {
    const samples = ['', 'a', 'aaaa', 'ab😀cd', 'ab😁cd', 'x\ny\nz', '😀', '😁😀']
    for (const a of samples) for (const b of samples) expect(apply(a, b)).toBe(b)
  })
})
