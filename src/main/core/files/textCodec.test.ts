import { describe, expect, it } from 'vitest'
import {
  binaryReason,
  decodeText,
  detectEol,
  encodeText,
  makeVersion,
  SNIFF_BYTES,
  versionHash,
} from './textCodec'

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))))

describe('decodeText / encodeText', () => {
  it.each([
    ['plain LF', bytes('a\nb\n'), 'utf8', '\n', 'a\nb\n'],
    ['CRLF', bytes('a\r\nb\r\n'), 'utf8', '\r\n', 'a\nb\n'],
    ['BOM + CRLF', bytes([0xef, 0xbb, 0xbf], 'x\r\ny'), 'utf8bom', '\r\n', 'x\ny'],
    ['BOM only', bytes([0xef, 0xbb, 0xbf]), 'utf8bom', '\n', ''],
    ['empty', bytes(''), 'utf8', '\n', ''],
    ['no newline', bytes('héllo 日本'), 'utf8', '\n', 'héllo 日本'],
    ['U+FEFF in the middle is content', bytes('a\uFEFFb'), 'utf8', '\n', 'a\uFEFFb'],
  ])('%s round-trips byte for byte', (_name, buf, encoding, eol, text) => {
    const d = decodeText(buf, 'f')
    expect(d).toEqual({ text, encoding, eol })
    expect(encodeText(d.text, d.encoding, d.eol).equals(buf)).toBe(true)
  })

  it('keeps the majority line ending for mixed files', () => {
    expect(detectEol('a\r\nb\r\nc\n')).toBe('\r\n')
    expect(detectEol('a\nb\nc\r\n')).toBe('\n')
    expect(detectEol('\r\n')).toBe('\r\n')
  })

  it('converts editor text back to the file line ending even if the editor sent CRLF', () => {
    expect(encodeText('a\r\nb\nc', 'utf8', '\r\n').toString()).toBe('a\r\nb\r\nc')
    expect(encodeText('a\r\nb\nc', 'utf8', '\n').toString()).toBe('a\nb\nc')
  })

  it('does not double a BOM the caller left in the text', () => {
    expect([...encodeText('\uFEFFx', 'utf8bom', '\n')]).toEqual([0xef, 0xbb, 0xbf, 0x78])
  })
})

describe('binary detection', () => {
  it.each([
    ['NUL byte', bytes('abc', [0], 'def'), /NUL/],
    ['PNG header', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), /NUL/],
    ['UTF-16 LE with BOM', Buffer.from('\uFEFFhi', 'utf16le'), /UTF-16/],
    ['UTF-16 BE BOM', bytes([0xfe, 0xff, 0, 0x68]), /UTF-16/],
    ['Latin-1', Buffer.from('caf\xe9', 'latin1'), /not valid UTF-8/],
    ['lone continuation byte', bytes([0x80, 0x41]), /not valid UTF-8/],
  ])('refuses %s', (_n, buf, why) => {
    expect(binaryReason(buf)).toMatch(why)
    expect(() => decodeText(buf, 'x.bin')).toThrowError(expect.objectContaining({ code: 'binary' }) as Error)
  })

  it('does not count a multi-byte character cut at the 8 KB boundary as invalid', () => {
    const buf = bytes('a'.repeat(SNIFF_BYTES - 1), '€'.repeat(10))
    expect(binaryReason(buf)).toBeNull()
    expect(decodeText(buf, 'f').text.endsWith('€€')).toBe(true)
  })

  it('refuses invalid UTF-8 after the sniffed head too (a lossy decode would corrupt the file on save)', () => {
    const buf = bytes('a'.repeat(SNIFF_BYTES * 2), [0xff], 'b')
    expect(binaryReason(buf)).toBeNull()
    expect(() => decodeText(buf, 'late.txt')).toThrowError(/not valid UTF-8/)
  })
})

describe('versions', () => {
  it('carries the content hash', () => {
    const v = makeVersion(1234.567, 10, 'abcdef')
    expect(v).toBe('1234-10-abcdef')
    expect(versionHash(v)).toBe('abcdef')
    expect(versionHash('garbage')).toBe('')
  })
})
