import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync } from 'node:fs'
import { isUtf8 } from 'node:buffer'
import { join } from 'node:path'
import { isInside, openInsideSync } from '../../files/openInside'
import { MAX_INDEXED_BYTES } from '../sourceFile'
import { type CompiledPattern, findLines, type LineMatches, toRegExp } from './literalMatcher'

// Node and relative imports only: this runs in the literal search workers (literalWorker.ts).

/** A line this long means minified or generated code: the index leaves such files out (sourceFile.ts). */
const MAX_LINE_CHARS = 20_000
/** How much of the head decides "binary", as the index, git and VS Code do. */
const SNIFF_BYTES = 8192

/** One batch of files for one thread. */
export interface ScanRequest {
  id: number
  /** The workspace as opened, and its real path (every read must stay inside it). */
  root: string
  realRoot: string
  paths: string[]
  pattern: CompiledPattern
  /** Matches this batch may still report (the search's limit less what it has). */
  maxMatches: number
  /**
   * `Date.now()` past which no further file is started (the batch answers with `stoppedAt`): the
   * only bound where the batch runs on the core's own thread, which nothing can interrupt.
   */
  deadline?: number | undefined
  /**
   * Shared with the pool: slot 0 holds the index in `paths` of the file being read or matched, so
   * a batch stopped from outside can name the file its regex was stuck on; slot 1, once the batch
   * runs, how many ms after `postedAt` it started (the thread's own start-up is not the regex's time).
   */
  progress?: Int32Array | undefined
  /** `Date.now()` when the pool posted the batch. */
  postedAt?: number | undefined
}

export interface ScannedFile {
  path: string
  lines: LineMatches[]
}

export interface ScanResult {
  id: number
  files: ScannedFile[]
  /** Files actually read as text (binary, oversized and unreadable ones are not counted). */
  searched: number
  matches: number
  /** The file not started because the deadline had passed (the rest of the batch was not read). */
  stoppedAt?: string
}

/**
 * Searches one batch, reading each file the way the index's prepare worker does (openInsideSync:
 * nothing outside the workspace's real path is read, a link swapped in is refused) and leaving out
 * what the index leaves out: files over its size limit, binary (a NUL in the first 8 KB, UTF-16),
 * not UTF-8, minified. A case-sensitive plain query is looked for in the bytes first, so most
 * files are never decoded.
 */
export function scanBatch(req: ScanRequest): ScanResult {
  const re = toRegExp(req.pattern)
  const needle = req.pattern.needle === null ? null : Buffer.from(req.pattern.needle, 'utf8')
  const prefilter = req.pattern.latin1 === null ? null : new RegExp(req.pattern.latin1, req.pattern.flags)
  const out: ScanResult = { id: req.id, files: [], searched: 0, matches: 0 }
  for (let i = 0; i < req.paths.length; i++) {
    const path = req.paths[i] as string
    if (out.matches >= req.maxMatches) break
    if (req.progress) Atomics.store(req.progress, 0, i)
    if (req.deadline !== undefined && Date.now() > req.deadline) {
      out.stoppedAt = path
      break
    }
    const buf = readInside(req.realRoot, join(req.root, path))
    if (!buf || isBinary(buf)) continue
    out.searched++
    if (needle && buf.indexOf(needle) === -1) continue
    if (prefilter) {
      prefilter.lastIndex = 0
      if (!prefilter.test(buf.toString('latin1'))) continue
    }
    if (!isUtf8(buf)) continue
    let text = buf.toString('utf8')
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    // Before matching: a regex run over a 1 MB one-line file can take minutes, for a file that
    // would be left out anyway.
    if (longestLine(text) > MAX_LINE_CHARS) continue
    const found = findLines(text, re, req.maxMatches - out.matches)
    if (found.lines.length === 0) continue
    out.files.push({ path, lines: found.lines })
    out.matches += found.count
  }
  return out
}

// O_NOFOLLOW: a link in the last place is opened by openInsideSync's slower path, which follows
// it only if it stays inside. O_NONBLOCK: a FIFO must not hang the thread.
const FAST_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)
const PROC_FD = process.platform === 'linux'

/**
 * The file's bytes if it lies inside the workspace, is a regular file and is within the index's
 * size limit. openInsideSync's rule, cheaper in the common case: on Linux the file is opened
 * without resolving its path first (realpath costs a call per folder of the path), and where the
 * opened descriptor really is (`/proc/self/fd`) decides, as openInsideSync's check does.
 */
function readInside(realRoot: string, abs: string): Buffer | null {
  let fd: number
  if (PROC_FD) {
    try {
      fd = openSync(abs, FAST_FLAGS)
    } catch {
      return readChecked(realRoot, abs) // a link (ELOOP), or gone: the careful path decides
    }
    let inside = false
    try {
      inside = isInside(realRoot, readlinkSync(`/proc/self/fd/${fd}`))
    } catch {
      inside = false
    }
    if (!inside) {
      closeSync(fd)
      return null
    }
  } else {
    const opened = openInsideSync(realRoot, abs)
    if (!opened.ok) return null
    fd = opened.fd
  }
  return readFd(fd)
}

function readChecked(realRoot: string, abs: string): Buffer | null {
  const opened = openInsideSync(realRoot, abs)
  return opened.ok ? readFd(opened.fd) : null
}

/** Reads and closes `fd`: null for anything but a regular file within the size limit. */
function readFd(fd: number): Buffer | null {
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.size > MAX_INDEXED_BYTES) return null
    // The size is known: one read of that many bytes (readFileSync would stat again and read
    // once more to see the end). A file that grew since is read as it was at the stat.
    const buf = Buffer.allocUnsafe(st.size)
    let got = 0
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got)
      if (n === 0) break
      got += n
    }
    return got === buf.length ? buf : buf.subarray(0, got)
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}

/** The index's rule (sourceFile.ts): a NUL in the head (binary or BOM-less UTF-16), or a UTF-16 BOM. */
export function isBinary(buf: Buffer): boolean {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)))
    return true
  const nul = buf.indexOf(0)
  return nul !== -1 && nul < SNIFF_BYTES
}

function longestLine(text: string): number {
  let longest = 0
  let start = 0
  for (;;) {
    const nl = text.indexOf('\n', start)
    const end = nl < 0 ? text.length : nl
    if (end - start > longest) longest = end - start
    if (nl < 0) return longest
    start = nl + 1
  }
}
