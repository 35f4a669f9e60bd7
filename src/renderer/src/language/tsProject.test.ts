import { describe, expect, it } from 'vitest'
import { isSourcePath, sameJson } from './tsProject'

describe('isSourcePath', () => {
  it('takes TypeScript and JavaScript files, declarations included, whatever the case', () => {
    for (const p of ['a.ts', 'b/c.TSX', 'x.d.ts', 'm.mjs', 'c.cjs', 'j.jsx', 'n.mts', 'o.cts'])
      expect(isSourcePath(p)).toBe(true)
    for (const p of ['a.json', 'README.md', 'ts', 'a.ts.map']) expect(isSourcePath(p)).toBe(false)
  })
})

describe('sameJson', () => {
  it('ignores key order and undefined values, not array order or values', () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, d: undefined })).toBe(true)
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false)
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false)
  })
})
