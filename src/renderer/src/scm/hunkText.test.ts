import { describe, expect, it } from 'vitest'
import { applyChange, revertChange } from './hunkText'

const left = 'a\nb\nc\nd\ne\n'
const right = 'a\nB\nc\nd\nnew\ne\n'
// Monaco's changes for left → right: line 2 replaced, a line inserted after line 4.
const replaced = {
  originalStartLineNumber: 2,
  originalEndLineNumber: 2,
  modifiedStartLineNumber: 2,
  modifiedEndLineNumber: 2,
}
const inserted = {
  originalStartLineNumber: 4,
  originalEndLineNumber: 0,
  modifiedStartLineNumber: 5,
  modifiedEndLineNumber: 5,
}

describe('hunk texts', () => {
  it('takes one change from the right side', () => {
    expect(applyChange(left, right, replaced)).toBe('a\nB\nc\nd\ne\n')
    expect(applyChange(left, right, inserted)).toBe('a\nb\nc\nd\nnew\ne\n')
  })

  it('puts one change back on the right side', () => {
    expect(revertChange(left, right, replaced)).toBe('a\nb\nc\nd\nnew\ne\n')
    expect(revertChange(left, right, inserted)).toBe('a\nB\nc\nd\ne\n')
  })

  it('a deletion, CRLF line ends and a last line without its end', () => {
    const deleted = {
      originalStartLineNumber: 2,
      originalEndLineNumber: 3,
      modifiedStartLineNumber: 1,
      modifiedEndLineNumber: 0,
    }
    expect(applyChange('x\r\ny\r\nz\r\nw', 'x\r\nw', deleted)).toBe('x\r\nw')
    expect(revertChange('x\r\ny\r\nz\r\nw', 'x\r\nw', deleted)).toBe('x\r\ny\r\nz\r\nw')
  })
})
