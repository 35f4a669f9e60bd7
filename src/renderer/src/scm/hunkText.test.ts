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

  it("inserted lines take the target's LF line ends (a CRLF file, an LF index: autocrlf, eol)", () => {
    // Working file CRLF (as checked out with core.autocrlf=true), index LF: staging one hunk must
    // not put \r\n into the index, as `git add` would not.
    expect(applyChange('a\nb\nc\n', 'a\r\nB\r\nc\r\n', replaced)).toBe('a\nB\nc\n')
    expect(applyChange('a\nb\nc\nd\ne\n', 'a\r\nb\r\nc\r\nd\r\nnew\r\ne\r\n', inserted)).toBe(
      'a\nb\nc\nd\nnew\ne\n',
    )
    // Unstaging: HEAD's lines (CRLF) go back into an LF index as LF.
    expect(revertChange('a\r\nb\r\nc\r\n', 'a\nB\nc\n', replaced)).toBe('a\nb\nc\n')
    // A last line without its end stays without one.
    const last = { ...replaced, originalStartLineNumber: 2, modifiedStartLineNumber: 2 }
    expect(applyChange('a\nb', 'a\r\nB', last)).toBe('a\nB')
    // A CRLF target keeps CRLF; a target with no line end at all says nothing: lines as they are.
    expect(applyChange('a\r\nb\r\n', 'a\r\nB\r\n', replaced)).toBe('a\r\nB\r\n')
    expect(
      applyChange('', 'x\r\n', {
        ...inserted,
        originalStartLineNumber: 0,
        modifiedStartLineNumber: 1,
        modifiedEndLineNumber: 1,
      }),
    ).toBe('x\r\n')
  })
})
