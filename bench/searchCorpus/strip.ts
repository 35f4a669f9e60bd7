/**
 * Comment removal and doc-sentence extraction for the Python and Go benchmark sets, in the spirit of
 * the shared kit's make-corpus.mjs (which uses TypeScript's printer for JavaScript): the indexed copy
 * of a file keeps its code and string literals but loses every comment and docstring, so a query
 * taken from a doc comment never finds its own words in the file.
 */

/** Where a string literal starts in Python: optional prefix letters, then one of the four quotes. */
const PY_STRING = /^([rRbBuUfF]{0,2})("""|'''|"|')/

/**
 * Python without `#` comments and without docstrings (a string literal that is a statement of its
 * own: module, class and function docstrings, and the bare strings some authors use as comments).
 * Other strings stay, with their content.
 */
export function stripPython(src: string): string {
  let out = ''
  let depth = 0
  let i = 0
  // Whether only whitespace precedes `i` on this logical line (a statement may start here).
  let lineStart = true
  let continued = false
  while (i < src.length) {
    const c = src[i] as string
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++
      continue
    }
    if (c === '\n') {
      out += c
      i++
      lineStart = depth === 0 && !continued
      continued = false
      continue
    }
    if (c === '\\' && src[i + 1] === '\n') {
      out += '\\\n'
      i += 2
      continued = true
      continue
    }
    const m =
      /[rRbBuUfF'"]/.test(c) && !/[\w]/.test(src[i - 1] ?? '') ? PY_STRING.exec(src.slice(i, i + 5)) : null
    if (m) {
      const end = stringEnd(src, i + (m[1] as string).length, m[2] as string)
      if (lineStart && depth === 0 && restOfLineIsEmpty(src, end)) {
        // A docstring: dropped, with the rest of its line, leaving the line break.
        i = end
        while (i < src.length && src[i] !== '\n') i++
        continue
      }
      out += src.slice(i, end)
      i = end
      lineStart = false
      continue
    }
    if ('([{'.includes(c)) depth++
    else if (')]}'.includes(c)) depth = Math.max(0, depth - 1)
    if (c !== ' ' && c !== '\t' && c !== '\r') lineStart = false
    out += c
    i++
  }
  return dropBlankRuns(out)
}

function stringEnd(src: string, openAt: number, quote: string): number {
  let j = openAt + quote.length
  while (j < src.length) {
    if (src[j] === '\\') j += 2
    else if (src.startsWith(quote, j)) return j + quote.length
    else if (quote.length === 1 && src[j] === '\n') return j
    else j++
  }
  return src.length
}

function restOfLineIsEmpty(src: string, from: number): boolean {
  const nl = src.indexOf('\n', from)
  const rest = src.slice(from, nl < 0 ? src.length : nl)
  return /^\s*(#.*)?$/.test(rest)
}

/** Go without `//` and `/* *\/` comments; strings, raw strings and runes kept. */
export function stripGo(src: string): string {
  let out = ''
  let i = 0
  while (i < src.length) {
    const c = src[i] as string
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++
      continue
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2)
      const body = src.slice(i, end < 0 ? src.length : end + 2)
      // A block comment spanning lines still ends a line (Go's semicolon rule).
      out += body.includes('\n') ? '\n' : ' '
      i += body.length
      continue
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && c !== '`') j++
        else if (src[j] === '\n' && c !== '`') break
        j++
      }
      out += src.slice(i, j + 1)
      i = j + 1
      continue
    }
    out += c
    i++
  }
  return dropBlankRuns(out)
}

/** Trailing spaces and runs of blank lines that removed comments leave behind. */
function dropBlankRuns(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
}

/**
 * The first sentence of a doc text, cleaned as the kit's firstSentence does (markup removed,
 * whitespace collapsed, ≤ 200 characters): the summary paragraph, up to its first full stop.
 */
export function firstSentence(doc: string): string {
  let t = doc.split(/\n\s*\n/)[0] ?? ''
  t = t
    .replace(/:[a-z:]+:`~?([^`]+)`/g, '$1') // reST roles: :func:`name`
    .replace(/`+([^`]+)`+/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_#]/g, '')
    .replace(/\b(e\.g|i\.e|etc)\./g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
  const m = /^(.{12,}?[.!?])(\s|$)/.exec(t)
  if (m) t = m[1] as string
  return t.length > 200 ? t.slice(0, 200) : t
}

/** The first docstring of a public function or class in a Python file, as a query sentence. */
export function pythonDocQuery(src: string): string | undefined {
  const re =
    /^[ \t]*(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)[^\n]*(?:\n(?![ \t]*(?:def|class)\b)[^\n]*)*?:[ \t]*\n[ \t]*[rRuU]?("""|''')([\s\S]*?)\3/gm
  for (const m of src.matchAll(re)) {
    const name = m[2] as string
    if (name.startsWith('_')) continue
    const q = firstSentence(dedent(m[4] as string))
    if (acceptable(q)) return q
  }
  return undefined
}

/**
 * The doc comment of the first exported function, method or type in a Go file, as a query
 * sentence. Go's convention starts a doc comment with the declared name ("NewRouter returns a new
 * router"); that name is dropped, as the JavaScript set's JSDoc sentences do not carry it either.
 */
export function goDocQuery(src: string): string | undefined {
  const re = /((?:^[ \t]*\/\/[^\n]*\n)+)[ \t]*(?:func[ \t]+(?:\([^)]*\)[ \t]*)?|type[ \t]+)([A-Z]\w*)/gm
  for (const m of src.matchAll(re)) {
    const name = m[2] as string
    const text = (m[1] as string)
      .split('\n')
      .map((l) => l.replace(/^\s*\/\/ ?/, ''))
      .join('\n')
    if (/^\s*(Deprecated|TODO|go:|nolint)/.test(text)) continue
    let q = firstSentence(text)
    const named = new RegExp(`^(?:(?:A|An|The) )?${name}\\b[,:]? ?`)
    q = q.replace(named, '')
    q = q.charAt(0).toUpperCase() + q.slice(1)
    if (acceptable(q)) return q
  }
  return undefined
}

function acceptable(q: string): boolean {
  return q.split(' ').length >= 4 && !/^(TODO|XXX|FIXME|Deprecated|See |Copyright)/i.test(q)
}

function dedent(s: string): string {
  const lines = s.replace(/^\n+/, '').split('\n')
  const first = (lines[0] ?? '').trim()
  const rest = lines.slice(1)
  const indents = rest.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)?.[0].length ?? 0)
  const cut = indents.length ? Math.min(...indents) : 0
  return [first, ...rest.map((l) => l.slice(cut))].join('\n')
}
