import { describe, expect, it } from 'vitest'
import { sliceHash, SliceTable } from './sliceTable'

describe('SliceTable', () => {
  it('finds a key by a slice of another text, and nothing for a slice it does not hold', () => {
    const t = new SliceTable<number>()
    t.add('parse', sliceHash('parse'), 1)
    const text = 'x = parseHeader(parse)'
    expect(t.get(text, 16, 21, sliceHash(text, 16, 21))).toBe(1)
    // Same start, longer slice: "parseHeader" is not "parse".
    expect(t.get(text, 4, 15, sliceHash(text, 4, 15))).toBeUndefined()
    expect(t.get(text, 0, 1, sliceHash(text, 0, 1))).toBeUndefined()
  })

  it('tells keys apart that share a hash, and keeps every key through growth', () => {
    const t = new SliceTable<string>(4)
    // All under one hash: only the length and the text tell them apart.
    for (const k of ['a', 'ab', 'b', 'abc']) t.add(k, 42, k.toUpperCase())
    const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`)
    for (const w of words) t.add(w, sliceHash(w), w)
    expect(t.size).toBe(5004)
    for (const k of ['a', 'ab', 'b', 'abc'])
      expect(t.get(` ${k} `, 1, 1 + k.length, 42)).toBe(k.toUpperCase())
    expect(t.get('c', 0, 1, 42)).toBeUndefined()
    for (const w of words) expect(t.get(`(${w})`, 1, 1 + w.length, sliceHash(w))).toBe(w)
  })

  it('forgets everything on clear', () => {
    const t = new SliceTable<number>()
    t.add('x', sliceHash('x'), 1)
    t.clear()
    expect(t.size).toBe(0)
    expect(t.get('x', 0, 1, sliceHash('x'))).toBeUndefined()
    t.add('x', sliceHash('x'), 2)
    expect(t.get('x', 0, 1, sliceHash('x'))).toBe(2)
  })
})
