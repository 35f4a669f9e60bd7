import { createHash } from 'node:crypto'
import { closeSync, fstatSync, readFileSync } from 'node:fs'
import { openInsideSync } from '../files/openInside'

/** Files above this are not indexed (generated data, bundles, dumps): the same limit as the watcher's. */
export const MAX_INDEXED_BYTES = 1024 * 1024

/** A single line this long means minified or generated code: its chunks would be noise. */
const MAX_LINE_CHARS = 20_000

export type SourceRead = { ok: true; text: string; hash: string } | { ok: false; reason: string }

const fmt = (n: number): string =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`

/**
 * Reads one workspace file for indexing, or says why it is not indexable. Never throws: a bad
 * file is a reason in the summary, not a failed run. `root` is the workspace's real path: the file
 * is read only if what is opened lies inside it (openInsideSync), so a link to `/etc/passwd`, or a
 * file swapped for one after the walk listed it, is skipped unread.
 */
export function readSource(root: string, abs: string, size: number): SourceRead {
  if (size > MAX_INDEXED_BYTES)
    return { ok: false, reason: `too large (${fmt(size)} > ${fmt(MAX_INDEXED_BYTES)})` }
  const opened = openInsideSync(root, abs)
  if (!opened.ok) return opened
  let buf: Buffer
  try {
    const st = fstatSync(opened.fd)
    if (st.isDirectory()) return { ok: false, reason: 'is a directory' }
    if (!st.isFile()) return { ok: false, reason: 'not a regular file' }
    // The size the walk saw may be stale: the file can have grown since.
    if (st.size > MAX_INDEXED_BYTES)
      return { ok: false, reason: `too large (${fmt(st.size)} > ${fmt(MAX_INDEXED_BYTES)})` }
    buf = readFileSync(opened.fd)
  } catch (err) {
    return { ok: false, reason: `unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})` }
  } finally {
    closeSync(opened.fd)
  }
  return decodeSource(buf)
}

export function decodeSource(buf: Buffer): SourceRead {
  if (buf.length > MAX_INDEXED_BYTES)
    return { ok: false, reason: `too large (${fmt(buf.length)} > ${fmt(MAX_INDEXED_BYTES)})` }
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))
    return { ok: false, reason: 'UTF-16 encoded' }
  const head = buf.subarray(0, 8192)
  const nul = head.indexOf(0)
  if (nul >= 0) {
    // Text in UTF-16 without a BOM has a NUL in every other byte; anything else is binary.
    let evenNul = 0
    let oddNul = 0
    for (let i = 0; i < head.length; i++) {
      if (head[i] !== 0) continue
      if (i % 2 === 0) evenNul++
      else oddNul++
    }
    const half = head.length / 2
    if (evenNul > half * 0.8 || oddNul > half * 0.8) return { ok: false, reason: 'UTF-16 encoded' }
    return { ok: false, reason: 'binary' }
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf)
  } catch {
    return { ok: false, reason: 'not UTF-8 text' }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  let longest = 0
  let start = 0
  for (;;) {
    const nl = text.indexOf('\n', start)
    const end = nl < 0 ? text.length : nl
    longest = Math.max(longest, end - start)
    if (nl < 0) break
    start = nl + 1
  }
  if (longest > MAX_LINE_CHARS)
    return { ok: false, reason: `minified or generated (a ${longest}-character line)` }
  return { ok: true, text, hash: createHash('sha256').update(buf).digest('hex').slice(0, 32) }
}
