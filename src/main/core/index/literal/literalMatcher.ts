// Imports nothing: this runs in the literal search workers too, which load it from source under
// vitest and tsx without the `@shared` alias.

/** The toggles that decide what matches (the contract's LiteralPattern, without the globs). */
export interface PatternOptions {
  query: string
  regex?: boolean | undefined
  caseSensitive?: boolean | undefined
  wholeWord?: boolean | undefined
}

/** A RegExp's parts, so the pattern can cross to a worker thread. */
export interface CompiledPattern {
  source: string
  flags: string
  /**
   * The exact bytes to look for when the query is plain text matched with case (UTF-8): a file
   * without them is skipped before it is decoded, the common case of a search.
   */
  needle: string | null
  /**
   * A RegExp source every matching file matches when its bytes are read as Latin-1 (a copy, no
   * UTF-8 decoding), for queries in any case: the query itself when it is plain ASCII text, or a
   * regex's required ASCII literal. Exact because no byte of a multi-byte character is an ASCII
   * character, and a non-ASCII character never case-folds to ASCII in a non-Unicode RegExp (flags
   * are the pattern's). Only files that pass are decoded.
   */
  latin1: string | null
}

/** A line with matches: `ranges` are `[start, end)` in UTF-16 units of `text`. */
export interface LineMatches {
  line: number
  text: string
  offset: number
  ranges: [number, number][]
}

/** Lines longer than this are sent cut to a window around their first match. */
export const MAX_LINE_TEXT = 1000
/** How much of a cut line goes before its first match. */
const CONTEXT_BEFORE = 120

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/**
 * The search as one RegExp. `m`: `^` and `$` are line starts and ends; `g`: every match. Throws
 * the RegExp constructor's SyntaxError for an invalid regex (the caller words it for the user).
 * Whole word is grep -w's rule: no letter, digit or `_` right before or after the match.
 */
export function compilePattern(o: PatternOptions): CompiledPattern {
  let source = o.regex ? o.query : escapeRegExp(o.query)
  if (o.wholeWord) source = `(?<![A-Za-z0-9_])(?:${source})(?![A-Za-z0-9_])`
  const flags = o.caseSensitive ? 'gm' : 'gim'
  new RegExp(source, flags) // validates
  return {
    source,
    flags,
    needle: o.caseSensitive ? (o.regex ? requiredLiteral(o.query) : o.query) : null,
    latin1: latin1Prefilter(o, source),
  }
}

/**
 * The longest run of plain characters every match of `source` must contain, or null when it
 * cannot be sure (`use[A-Z]\\w+Effect` → `Effect`; anything with `|` → null). Conservative: only
 * characters outside groups and classes, none made optional or repeated by a quantifier, so a file
 * without the run cannot match (what ripgrep does with a regex's literals, in small).
 */
export function requiredLiteral(source: string): string | null {
  if (source.includes('|')) return null
  let best = ''
  let run = ''
  let depth = 0
  const end = (): void => {
    if (run.length > best.length) best = run
    run = ''
  }
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i)
    const next = source.charAt(i + 1)
    if (c === '\\') {
      if (/[A-Za-z0-9]/.test(next)) {
        // \d, \b, \1, \x41, \u00e9, \cA, \k<name>, \p{L}…: not the text they are written
        // with. The whole escape, payload included, is skipped, so `\x41BC` needs only `BC`.
        end()
        i = escapeEnd(source, i) - 1
        continue
      }
      // An escaped punctuation character is itself (unless a quantifier follows it).
      const quantified = isQuantifier(source.charAt(i + 2))
      if (depth === 0 && next !== '' && !quantified) run += next
      else end()
      i++
      continue
    }
    if (c === '{') {
      // A quantifier (`{10}`, `{2,3}`, `{2,}`) as a whole: its digits are not text. A brace that
      // is no quantifier is a literal one; left out all the same (a shorter run is still sure).
      end()
      const q = /^\{\d+(?:,\d*)?\}/.exec(source.slice(i))
      if (q) i += q[0].length - 1
      continue
    }
    if (c === '[') {
      end()
      // Skip the class (a `]` right after `[` or `[^` belongs to it; escapes inside are skipped).
      let j = i + 1
      if (source.charAt(j) === '^') j++
      if (source.charAt(j) === ']') j++
      while (j < source.length && source.charAt(j) !== ']') j += source.charAt(j) === '\\' ? 2 : 1
      i = j
      continue
    }
    if (c === '(') {
      end()
      depth++
      continue
    }
    if (c === ')') {
      end()
      depth = Math.max(0, depth - 1)
      continue
    }
    if (depth > 0) continue
    if ('.^$*+?{}'.includes(c)) {
      end()
      continue
    }
    // A character a quantifier follows is optional or repeated: not part of the run.
    if (isQuantifier(next)) {
      end()
      continue
    }
    run += c
  }
  end()
  return best.length >= 2 ? best : null
}

/** Where the letter or digit escape at `at` (`\\` then the letter) ends, its payload included. */
function escapeEnd(source: string, at: number): number {
  const kind = source.charAt(at + 1)
  const rest = source.slice(at + 2)
  const payload =
    kind === 'x'
      ? /^[0-9A-Fa-f]{0,2}/.exec(rest)
      : kind === 'u'
        ? /^(?:\{[^}]*\}|[0-9A-Fa-f]{0,4})/.exec(rest)
        : kind === 'c'
          ? /^[A-Za-z]?/.exec(rest)
          : kind === 'k'
            ? /^(?:<[^>]*>)?/.exec(rest)
            : kind === 'p' || kind === 'P'
              ? /^(?:\{[^}]*\})?/.exec(rest)
              : /^\d/.test(kind)
                ? /^\d*/.exec(rest)
                : null
  return at + 2 + (payload?.[0].length ?? 0)
}

const ASCII = /^[\x20-\x7e]*$/

function latin1Prefilter(o: PatternOptions, source: string): string | null {
  if (o.caseSensitive) return null // the needle does it, on the bytes
  if (!o.regex) return ASCII.test(o.query) ? source : null
  const literal = requiredLiteral(o.query)
  return literal !== null && ASCII.test(literal) ? escapeRegExp(literal) : null
}

/** `c` (one character, or '' past the end) makes what comes before it optional or repeated. */
const isQuantifier = (c: string): boolean => c !== '' && '*+?{'.includes(c)

export function toRegExp(p: CompiledPattern): RegExp {
  return new RegExp(p.source, p.flags)
}

/**
 * Every line of `text` with a match, in order, at most `maxMatches` matches in all. Lines are
 * split at `\n`; a `\r` before it is not part of the line (CRLF files have the same line numbers,
 * columns and matches as LF ones). A match never spans lines, and empty matches are not reported
 * (a regex like `x*` finds the lines with an `x`). `re` must be global.
 */
export function findLines(
  text: string,
  re: RegExp,
  maxMatches: number,
): { lines: LineMatches[]; count: number } {
  const lines: LineMatches[] = []
  let count = 0
  let lineNo = 1
  let counted = 0 // newlines before this offset are counted in lineNo
  re.lastIndex = 0
  // The regex runs over the whole text to find candidate lines fast; each candidate line is then
  // matched on its own, so anchors, lookarounds and `\s` see exactly one line, as grep does.
  while (count < maxMatches) {
    const m = re.exec(text)
    if (!m) break
    const at = m.index
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < at; nl = text.indexOf('\n', nl + 1)) {
      lineNo++
      counted = nl + 1
    }
    const start = counted
    const nl = text.indexOf('\n', at)
    const end = nl === -1 ? text.length : nl
    const ranges = lineRanges(lineText(text, start, end), re, maxMatches - count)
    if (ranges.length > 0) {
      lines.push(shown(lineNo, lineText(text, start, end), ranges))
      count += ranges.length
    }
    if (nl === -1) break
    re.lastIndex = nl + 1
    counted = nl + 1
    lineNo++
  }
  re.lastIndex = 0
  return { lines, count }
}

function lineText(text: string, start: number, end: number): string {
  return end > start && text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end)
}

/** Non-empty matches of `re` in one line. */
export function lineRanges(line: string, re: RegExp, max: number): [number, number][] {
  const out: [number, number][] = []
  const saved = re.lastIndex
  re.lastIndex = 0
  while (out.length < max) {
    const m = re.exec(line)
    if (!m) break
    if (m[0].length === 0) {
      re.lastIndex = m.index + 1
      if (re.lastIndex > line.length) break
      continue
    }
    out.push([m.index, m.index + m[0].length])
  }
  re.lastIndex = saved
  return out
}

/** The line as sent: whole, or cut around its first match when very long. */
function shown(line: number, text: string, ranges: [number, number][]): LineMatches {
  if (text.length <= MAX_LINE_TEXT) return { line, text, offset: 0, ranges }
  const first = ranges[0]?.[0] ?? 0
  const offset = Math.max(0, first - CONTEXT_BEFORE)
  const cut = text.slice(offset, offset + MAX_LINE_TEXT)
  const kept = ranges
    .filter(([s]) => s - offset < cut.length)
    .map(([s, e]): [number, number] => [s - offset, Math.min(e - offset, cut.length)])
  return { line, text: cut, offset, ranges: kept }
}

/**
 * The same matches with their replacement, for a preview or an apply. Lines are those of
 * findLines; `replacement` is expanded per match as String.replace would (`$1`, `$<name>`, `$&`)
 * when `regex`, taken as it is otherwise.
 */
export interface TextMatch {
  /** Offset in the whole text. */
  start: number
  end: number
  line: number
  /** Offsets in the line. */
  lineStart: number
  lineEnd: number
  replacement: string
}

export function textMatches(
  text: string,
  re: RegExp,
  replacement: string,
  regex: boolean,
  /** At most this many (a preview's cap: `\w` on a 1 MB file would be a million entries). */
  max = Infinity,
): TextMatch[] {
  const out: TextMatch[] = []
  let lineNo = 1
  let start = 0
  while (out.length < max) {
    const nl = text.indexOf('\n', start)
    const end = nl === -1 ? text.length : nl
    const line = lineText(text, start, end)
    re.lastIndex = 0
    // Cheap test first: most lines of a file with matches have none.
    if (re.test(line)) {
      re.lastIndex = 0
      while (out.length < max) {
        const m = re.exec(line)
        if (!m) break
        if (m[0].length === 0) {
          re.lastIndex = m.index + 1
          if (re.lastIndex > line.length) break
          continue
        }
        const rep = regex && replacement.includes('$') ? expand(m, line, replacement) : replacement
        out.push({
          start: start + m.index,
          end: start + m.index + m[0].length,
          line: lineNo,
          lineStart: m.index,
          lineEnd: m.index + m[0].length,
          replacement: rep,
        })
      }
    }
    if (nl === -1) break
    start = nl + 1
    lineNo++
  }
  re.lastIndex = 0
  return out
}

/** `$1`, `$<name>`, `$&`, `$$` of one match, as String.prototype.replace expands them. */
function expand(m: RegExpExecArray, line: string, replacement: string): string {
  return replacement.replace(
    /\$(\$|&|`|'|<([^>]*)>|\d{1,2})/g,
    (token: string, what: string, name?: string) => {
      if (what === '$') return '$'
      if (what === '&') return m[0]
      if (what === '`') return line.slice(0, m.index)
      if (what === "'") return line.slice(m.index + m[0].length)
      if (name !== undefined) return m.groups?.[name] ?? ''
      const n = Number(what)
      if (n >= 1 && n < m.length) return m[n] ?? ''
      // `$12` where there is no group 12 but a group 1: `$1` then `2`, as String.replace does.
      if (what.length === 2) {
        const n1 = Number(what[0])
        if (n1 >= 1 && n1 < m.length) return (m[n1] ?? '') + what[1]
      }
      return token
    },
  )
}

/** `text` with the matches whose index is in `accept` (all when undefined) replaced. */
export function applyMatches(
  text: string,
  matches: TextMatch[],
  accept?: ReadonlySet<number>,
): { text: string; replaced: number } {
  let out = ''
  let at = 0
  let replaced = 0
  matches.forEach((m, i) => {
    if (accept && !accept.has(i)) return
    out += text.slice(at, m.start) + m.replacement
    at = m.end
    replaced++
  })
  return { text: out + text.slice(at), replaced }
}
