import { createHash } from 'node:crypto'
import { HearthError } from '@shared/errors'

export type Encoding = 'utf8' | 'utf8bom'
export type Eol = '\n' | '\r\n'

export interface DecodedText {
  /** Text with `\r\n` normalised to `\n` (what the editor works with). */
  text: string
  encoding: Encoding
  eol: Eol
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf])
/** How much of the head decides "binary", as git and VS Code do. */
export const SNIFF_BYTES = 8192

/** Why `buf` is not text we can edit, or null when it is UTF-8 text. Looks at the first 8 KB only. */
export function binaryReason(buf: Uint8Array): string | null {
  const head = buf.subarray(0, SNIFF_BYTES)
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)))
    return 'it is UTF-16 encoded (only UTF-8 is supported)'
  if (head.includes(0)) return 'it contains NUL bytes (binary file)'
  try {
    // `stream: true` so a multi-byte character cut at the 8 KB boundary is not counted as invalid.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length < buf.length })
  } catch {
    return 'it is not valid UTF-8 (binary file or another encoding)'
  }
  return null
}

/**
 * Bytes → editor text. Refuses (HearthError 'binary') anything that would not survive a round trip:
 * saving a file decoded with replacement characters would destroy it.
 */
export function decodeText(buf: Uint8Array, displayName: string): DecodedText {
  const why = binaryReason(buf)
  if (why) throw new HearthError('binary', `${displayName} cannot be opened as text: ${why}`)
  const hasBom = buf.length >= 3 && buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]
  let raw: string
  try {
    raw = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(hasBom ? buf.subarray(3) : buf)
  } catch {
    throw new HearthError('binary', `${displayName} cannot be opened as text: it is not valid UTF-8`)
  }
  const eol = detectEol(raw)
  return {
    text: eol === '\r\n' ? raw.replace(/\r\n/g, '\n') : raw,
    encoding: hasBom ? 'utf8bom' : 'utf8',
    eol,
  }
}

/**
 * The file's dominant line ending. A file with mixed endings keeps the majority one (as VS Code
 * does); a file with no line break at all is `\n`.
 */
export function detectEol(raw: string): Eol {
  let crlf = 0
  let lf = 0
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) {
    if (i > 0 && raw.charCodeAt(i - 1) === 13) crlf++
    else lf++
  }
  return crlf > lf ? '\r\n' : '\n'
}

/** Editor text → bytes, restoring the file's line ending and BOM. */
export function encodeText(text: string, encoding: Encoding, eol: Eol): Buffer {
  let body = text.replace(/\r\n/g, '\n')
  if (eol === '\r\n') body = body.replace(/\n/g, '\r\n')
  // The editor never sees the BOM (decodeText strips it); do not double it if a caller left it in.
  if (encoding === 'utf8bom' && body.startsWith('\uFEFF')) body = body.slice(1)
  const bytes = Buffer.from(body, 'utf8')
  return encoding === 'utf8bom' ? Buffer.concat([BOM, bytes]) : bytes
}

/** Short content hash used inside file versions. */
export function contentHash(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex').slice(0, 16)
}

/**
 * Opaque file version: `mtimeMs-size-hash`. The hash part makes a same-size edit within one mtime
 * tick visible, and lets a `touch` (same bytes, new mtime) pass the conflict check.
 */
export function makeVersion(mtimeMs: number, size: number, hash: string): string {
  return `${Math.trunc(mtimeMs)}-${size}-${hash}`
}

/** The content-hash part of a version ('' when it has none). */
export function versionHash(version: string): string {
  return version.split('-')[2] ?? ''
}
