import { createHash } from 'node:crypto'
import { languageOf, type BlockStyle } from '../text/language'

/** One searchable piece of a file. Lines are 1-based and inclusive. */
export interface Chunk {
  startLine: number
  endLine: number
  text: string
  /** Names declared in the chunk (functions, classes, methods…), for ranking and completion context. */
  symbols: string[]
}

export interface ChunkOptions {
  /** Adjacent small declarations are packed together up to about this many lines. */
  targetLines: number
  /** A declaration longer than this is split at its inner boundaries (methods), else by windows. */
  maxLines: number
  /** Character cap per chunk, whatever the line count (long lines, generated code). */
  maxChars: number
}

// Measured on the search benchmark: ~40-line chunks kept whole functions together while still
// pointing at the right place in large files; shorter ones cut doc-less code into fragments.
export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { targetLines: 40, maxLines: 90, maxChars: 3000 }

export const chunkHash = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 32)

const NONE: LineInfo = { depth: 0, blank: true, leading: false, inside: false, continuation: false }

interface LineInfo {
  /** Nesting depth (brace style) or indentation width (indent style) at the start of the line. */
  depth: number
  blank: boolean
  /** Only a comment, a decorator or an annotation: belongs to the declaration below it. */
  leading: boolean
  /** Starts inside a multi-line string or bracket: never a boundary. */
  inside: boolean
  /** Starts with a closing bracket or continues an expression: never a boundary. */
  continuation: boolean
}

export function chunkFile(path: string, text: string, options: Partial<ChunkOptions> = {}): Chunk[] {
  const opts = { ...DEFAULT_CHUNK_OPTIONS, ...options }
  const lines = text.split(/\r?\n/)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  if (lines.length === 0) return []
  const style = languageOf(path).style
  const info = style === 'indent' ? indentInfo(lines) : style === 'brace' ? braceInfo(lines) : flatInfo(lines)
  const ranges: Range[] = []
  split(lines, info, style, 0, lines.length, opts, ranges, 0)
  const out: Chunk[] = []
  for (const r of ranges) {
    const body = lines.slice(r.start, r.end)
    const chunkText = body.join('\n')
    if (chunkText.trim() === '') continue
    if (chunkText.length <= opts.maxChars) {
      out.push({ startLine: r.start + 1, endLine: r.end, text: chunkText, symbols: symbolsOf(body) })
      continue
    }
    // Still too many characters (very long lines): cut by characters, never mid-way through the
    // UTF-16 pair of an astral character, each piece keeping the line range it came from.
    let lineNo = r.start
    let buf = ''
    let bufStart = r.start
    const flush = (endLine: number): void => {
      if (buf.trim() !== '')
        out.push({ startLine: bufStart + 1, endLine, text: buf, symbols: symbolsOf(buf.split('\n')) })
      buf = ''
    }
    for (const line of body) {
      let rest = line
      while (rest.length > 0) {
        const room = opts.maxChars - buf.length - (buf ? 1 : 0)
        if (rest.length <= room) {
          buf = buf ? `${buf}\n${rest}` : rest
          rest = ''
        } else if (room < 200 && buf) {
          flush(lineNo + 1)
          bufStart = lineNo
        } else {
          let cut = Math.max(1, room)
          const code = rest.charCodeAt(cut - 1)
          if (code >= 0xd800 && code <= 0xdbff) cut -= 1
          buf = buf ? `${buf}\n${rest.slice(0, cut)}` : rest.slice(0, cut)
          rest = rest.slice(cut)
          flush(lineNo + 1)
          bufStart = lineNo
        }
      }
      lineNo++
      if (!buf) bufStart = lineNo
    }
    flush(lineNo)
  }
  return out
}

interface Range {
  start: number
  end: number
}

/** Splits [start, end) into chunk ranges at declaration boundaries of `level`, packing small ones. */
function split(
  lines: string[],
  info: LineInfo[],
  style: BlockStyle,
  start: number,
  end: number,
  opts: ChunkOptions,
  out: Range[],
  recursion: number,
): void {
  const segs = segments(info, style, start, end)
  let cur: Range | null = null
  let curChars = 0
  const flush = (): void => {
    if (cur) out.push(cur)
    cur = null
    curChars = 0
  }
  for (const seg of segs) {
    const n = seg.end - seg.start
    const chars = charsOf(lines, seg.start, seg.end)
    if (n > opts.maxLines || chars > opts.maxChars) {
      flush()
      splitLarge(lines, info, style, seg, opts, out, recursion)
      continue
    }
    if (cur && (cur.end - cur.start + n > opts.targetLines || curChars + chars > opts.maxChars)) flush()
    if (!cur) cur = { start: seg.start, end: seg.end }
    else cur.end = seg.end
    curChars += chars
  }
  flush()
}

/** A declaration too big for one chunk: split at the boundaries one level in (its methods). */
function splitLarge(
  lines: string[],
  info: LineInfo[],
  style: BlockStyle,
  seg: Range,
  opts: ChunkOptions,
  out: Range[],
  recursion: number,
): void {
  if (style !== 'none' && recursion < 4 && seg.end - seg.start > 2) {
    const inner = innerStart(info, seg)
    if (inner !== null) {
      const before = out.length
      split(lines, info, style, inner, seg.end, opts, out, recursion + 1)
      const produced = out.length - before
      const first = out[before]
      if (first && (produced > 1 || first.end - first.start <= opts.maxLines)) {
        // The header (signature, class line) goes with the first inner chunk.
        out[before] = { start: seg.start, end: first.end }
        return
      }
      out.length = before
    }
  }
  // No usable inner structure: fixed windows.
  for (let s = seg.start; s < seg.end; s += opts.targetLines)
    out.push({ start: s, end: Math.min(seg.end, s + opts.targetLines) })
}

function innerStart(info: LineInfo[], seg: Range): number | null {
  for (let i = seg.start + 1; i < seg.end; i++) {
    if (!(info[i] ?? NONE).blank && (info[i] ?? NONE).depth > (info[seg.start] ?? NONE).depth) return i
  }
  return null
}

/** Declaration-sized segments of [start, end): each begins at a boundary line at the range's level. */
function segments(info: LineInfo[], style: BlockStyle, start: number, end: number): Range[] {
  if (style === 'none') {
    // Prose and unknown languages: paragraphs (blank-line separated) are the segments.
    const out: Range[] = []
    let s = start
    for (let i = start + 1; i < end; i++) {
      if ((info[i - 1] ?? NONE).blank && !(info[i] ?? NONE).blank) {
        out.push({ start: s, end: i })
        s = i
      }
    }
    out.push({ start: s, end })
    return out
  }
  let level = Number.POSITIVE_INFINITY
  for (let i = start; i < end; i++)
    if (!(info[i] ?? NONE).blank && !(info[i] ?? NONE).inside)
      level = Math.min(level, (info[i] ?? NONE).depth)
  const starts: number[] = [start]
  // Index of the comment/decorator run that opened the current segment, -1 when none is open.
  let lead = (info[start] ?? NONE).leading ? start : -1
  for (let i = start + 1; i < end; i++) {
    const li = info[i] ?? NONE
    if (li.blank || li.inside || (li.continuation && !li.leading) || li.depth !== level) continue
    if (li.leading) {
      // A comment/decorator run starts the next declaration and stays with it.
      if (lead < 0) {
        starts.push(i)
        lead = i
      }
    } else if (lead >= 0) lead = -1
    else starts.push(i)
  }
  const out: Range[] = []
  for (let k = 0; k < starts.length; k++) out.push({ start: starts[k] ?? start, end: starts[k + 1] ?? end })
  return out
}

function charsOf(lines: string[], start: number, end: number): number {
  let n = 0
  for (let i = start; i < end; i++) n += (lines[i]?.length ?? 0) + 1
  return n
}

const CONTINUES =
  /^\s*([)\]}.,:?&|+*/=<>-]|else\b|catch\b|finally\b|elif\b|except\b|where\b|extends\b|implements\b)/

function flatInfo(lines: string[]): LineInfo[] {
  return lines.map((l) => ({
    depth: 0,
    blank: l.trim() === '',
    leading: false,
    inside: false,
    continuation: false,
  }))
}

const STAR = 42
const SLASH = 47
const BACKSLASH = 92
const BACKTICK = 96
const DQUOTE = 34
const SQUOTE = 39

/** Brace languages: a small lexer tracks strings, comments and bracket depth across lines. */
function braceInfo(lines: string[]): LineInfo[] {
  const out: LineInfo[] = []
  let depth = 0
  let mode: 'code' | 'block' | 'template' | 'string' = 'code'
  let quote = 0
  for (const line of lines) {
    const trimmed = line.trim()
    const startMode = mode
    const startDepth = depth
    // charCodeAt, not line[i]: this loop sees every character of every indexed file.
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i)
      if (mode === 'block') {
        if (c === STAR && line.charCodeAt(i + 1) === SLASH) {
          mode = 'code'
          i++
        }
      } else if (mode === 'template') {
        if (c === BACKSLASH) i++
        else if (c === BACKTICK) mode = 'code'
      } else if (mode === 'string') {
        if (c === BACKSLASH) i++
        else if (c === quote) mode = 'code'
      } else if (c === SLASH && line.charCodeAt(i + 1) === SLASH) break
      else if (c === SLASH && line.charCodeAt(i + 1) === STAR) {
        mode = 'block'
        i++
      } else if (c === DQUOTE || c === SQUOTE) {
        mode = 'string'
        quote = c
      } else if (c === BACKTICK) mode = 'template'
      else if (c === 123 || c === 40 || c === 91)
        depth++ // { ( [
      else if (c === 125 || c === 41 || c === 93) depth = Math.max(0, depth - 1) // } ) ]
    }
    // Quotes never span lines in these languages (templates do): recover from a stray quote.
    if (mode === 'string') mode = 'code'
    out.push({
      depth: startDepth,
      blank: trimmed === '',
      leading:
        startMode === 'block' ||
        trimmed.startsWith('//') ||
        trimmed.startsWith('/*') ||
        trimmed.startsWith('*') ||
        trimmed.startsWith('#[') ||
        /^@\w+(\(.*\))?\s*$/.test(trimmed),
      inside: startMode === 'template' || (startMode === 'block' && !trimmed.startsWith('*')),
      continuation: CONTINUES.test(line),
    })
  }
  return out
}

/** Indentation languages: depth is the indent width; brackets and triple quotes make "inside" lines. */
function indentInfo(lines: string[]): LineInfo[] {
  const out: LineInfo[] = []
  let brackets = 0
  let triple = ''
  for (const line of lines) {
    const trimmed = line.trim()
    const startInside = brackets > 0 || triple !== ''
    let width = 0
    for (const ch of line) {
      if (ch === ' ') width++
      else if (ch === '\t') width += 4
      else break
    }
    for (let i = 0; i < line.length; i++) {
      const c = line[i]
      if (triple) {
        if (line.startsWith(triple, i)) {
          i += 2
          triple = ''
        }
        continue
      }
      if (c === '#') break
      if ((c === '"' || c === "'") && line.startsWith(c.repeat(3), i)) {
        triple = c.repeat(3)
        i += 2
      } else if (c === '"' || c === "'") {
        const close = line.indexOf(c, i + 1)
        i = close < 0 ? line.length : close
      } else if (c === '(' || c === '[' || c === '{') brackets++
      else if (c === ')' || c === ']' || c === '}') brackets = Math.max(0, brackets - 1)
    }
    out.push({
      depth: width,
      blank: trimmed === '',
      leading: trimmed.startsWith('#') || trimmed.startsWith('@'),
      inside: startInside,
      continuation: CONTINUES.test(line),
    })
  }
  return out
}

const DECL =
  /\b(?:function\*?|class|interface|type|enum|namespace|module|struct|trait|impl|def|fn|func|record|protocol|extension|union|macro_rules!)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)/g
const BINDING =
  /\b(?:const|let|var|val)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(?:async\s+)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>)/g
const ASSIGNED_FN = /([A-Za-z_$][\w$]*)\s*[:=]\s*(?:async\s+)?function\b/g
const METHOD =
  /^\s*(?:(?:public|private|protected|static|async|override|readonly|abstract|get|set|final|virtual|inline|export|default|pub|unsafe|const)\s+)*\*?([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\([^;]*\)\s*(?::[^;{]*)?(?:->[^{;]*)?\{\s*$/
const C_FUNC = /^[A-Za-z_][\w\s*&:<>,]*?[\s*&]([A-Za-z_]\w*)\s*\([^;]*\)\s*(?:const\s*)?\{?\s*$/
const MAYBE_DECL =
  /[(]|=>|\b(?:class|interface|type|enum|namespace|module|struct|trait|impl|record|protocol|extension|union|macro_rules|function)\b/
const NOT_NAMES = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'return',
  'function',
  'else',
  'do',
  'with',
  'new',
  'typeof',
])

/** Declared names, deduplicated, in order of appearance. */
export function symbolsOf(lines: string[]): string[] {
  const found = new Set<string>()
  const push = (name: string | undefined): void => {
    if (name && !NOT_NAMES.has(name) && name.length > 1) found.add(name)
  }
  for (const line of lines) {
    // Most lines declare nothing: one cheap test before five patterns.
    if (line.length > 400 || !MAYBE_DECL.test(line)) continue
    for (const m of line.matchAll(DECL)) push(m[1])
    if (/\b(?:const|let|var|val)\s/.test(line)) for (const m of line.matchAll(BINDING)) push(m[1])
    if (line.includes('function')) for (const m of line.matchAll(ASSIGNED_FN)) push(m[1])
    push(METHOD.exec(line)?.[1])
    if (/^\S/.test(line)) push(C_FUNC.exec(line)?.[1])
    if (found.size > 40) break
  }
  return [...found]
}
