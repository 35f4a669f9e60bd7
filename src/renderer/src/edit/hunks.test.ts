import { describe, expect, it } from 'vitest'
import { applyHunks, type LineChange } from './hunks'

const original = ['a', 'b', 'c', 'd', 'e'].join('\n')
// b → B1,B2 ; d removed ; x inserted after e
const modified = ['a', 'B1', 'B2', 'c', 'e', 'x'].join('\n')
const changes: LineChange[] = [
  {
    originalStartLineNumber: 2,
    originalEndLineNumber: 2,
    modifiedStartLineNumber: 2,
    modifiedEndLineNumber: 3,
  },
  {
    originalStartLineNumber: 4,
    originalEndLineNumber: 4,
    modifiedStartLineNumber: 4,
    modifiedEndLineNumber: 0,
  },
  {
    originalStartLineNumber: 5,
    originalEndLineNumber: 0,
    modifiedStartLineNumber: 6,
    modifiedEndLineNumber: 6,
  },
]

describe('applyHunks', () => {
  it('all accepted is the rewrite, none is the original', () => {
    expect(applyHunks(original, modified, changes, new Set([0, 1, 2]))).toBe(modified)
    expect(applyHunks(original, modified, changes, new Set())).toBe(original)
  })

  it('takes each hunk on its own', () => {
    expect(applyHunks(original, modified, changes, new Set([0]))).toBe('a\nB1\nB2\nc\nd\ne')
    expect(applyHunks(original, modified, changes, new Set([1]))).toBe('a\nb\nc\ne')
    expect(applyHunks(original, modified, changes, new Set([2]))).toBe('a\nb\nc\nd\ne\nx')
  })
})
