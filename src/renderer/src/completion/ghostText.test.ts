import { describe, expect, it } from 'vitest'
import { completeLines, insertRange, relate, type RequestSpot } from './ghostText'

const req: RequestSpot = { uri: 'hearth:/a.ts', versionId: 5, offset: 100, docLength: 1000 }

describe('relate', () => {
  it('same spot', () => {
    expect(relate(req, 'abc', { ...req, typedSinceRequest: '' })).toBe('same')
  })
  it('cursor moved without editing → stale', () => {
    expect(relate(req, 'abc', { ...req, offset: 101, typedSinceRequest: 'x' })).toBe('stale')
  })
  it('typing the start of the ghost text continues it', () => {
    expect(
      relate(req, 'return x', {
        uri: req.uri,
        versionId: 6,
        offset: 103,
        docLength: 1003,
        typedSinceRequest: 'ret',
      }),
    ).toBe('continues')
  })
  it('typing ahead of a ghost text still streaming continues it when consistent', () => {
    expect(
      relate(req, 're', {
        uri: req.uri,
        versionId: 7,
        offset: 103,
        docLength: 1003,
        typedSinceRequest: 'ret',
      }),
    ).toBe('continues')
  })
  it('typing something else is stale', () => {
    expect(
      relate(req, 'return x', {
        uri: req.uri,
        versionId: 6,
        offset: 101,
        docLength: 1001,
        typedSinceRequest: 'z',
      }),
    ).toBe('stale')
  })
  it('an edit elsewhere (length differs from the cursor move) is stale', () => {
    expect(
      relate(req, 'return x', {
        uri: req.uri,
        versionId: 6,
        offset: 101,
        docLength: 1005,
        typedSinceRequest: 'r',
      }),
    ).toBe('stale')
  })
  it('backspace is stale', () => {
    expect(
      relate(req, 'return x', {
        uri: req.uri,
        versionId: 6,
        offset: 99,
        docLength: 999,
        typedSinceRequest: undefined,
      }),
    ).toBe('stale')
  })
  it('another file is stale', () => {
    expect(relate(req, 'x', { ...req, uri: 'hearth:/b.ts', typedSinceRequest: '' })).toBe('stale')
  })
})

describe('insertRange', () => {
  it('single line inserts at the cursor', () => {
    expect(insertRange(3, 5, 9, ')', 'a, b')).toEqual({
      startLineNumber: 3,
      startColumn: 5,
      endLineNumber: 3,
      endColumn: 5,
    })
  })
  it('multi-line swallows trailing whitespace to the end of the line', () => {
    expect(insertRange(3, 5, 8, '   ', 'a\nb')).toEqual({
      startLineNumber: 3,
      startColumn: 5,
      endLineNumber: 3,
      endColumn: 8,
    })
  })
  it('multi-line with code right of the cursor cannot be shown', () => {
    expect(insertRange(3, 5, 8, ' x)', 'a\nb')).toBeUndefined()
  })
})

describe('completeLines', () => {
  it('keeps only finished lines of a streaming partial', () => {
    expect(completeLines('a = 1')).toBe('')
    expect(completeLines('a = 1\n  b')).toBe('a = 1')
    expect(completeLines('a = 1\n  b()\n')).toBe('a = 1\n  b()')
  })
})
