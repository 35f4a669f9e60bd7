/**
 * Post-processing of a raw FIM completion, one small pure function per rule (each has golden
 * tests in postprocess.test.ts). `processCompletion` chains them; it also runs on partial text
 * while streaming (`final: false`), where it only judges complete lines and reports `complete`
 * as soon as no further token can change the answer — the service then stops the provider early.
 */

export type CompletionMode = 'single' | 'multi'

export interface PostContext {
  prefix: string
  suffix: string
  mode: CompletionMode
  /** Longest multi-line completion, in lines. */
  maxLines: number
  /** The raw text is the whole generation (not a streaming partial). */
  final: boolean
}

export interface Processed {
  text: string
  /** Nothing generated after this point can be shown: stop generating. */
  complete: boolean
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' }
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' }
/** A line that ends by opening a block: `{`, `(`, `[`, `:` (Python), `=>`, `then`, `do`, `begin`. */
const BLOCK_OPENER = /(?:[{[(:]|=>|\bthen|\bdo|\bbegin)\s*$/
/** A line that only closes blocks: `}`, `})`, `];`, `end`, `fi`, `done`, `esac`… */
const ONLY_CLOSERS = /^\s*(?:[)\]}]+[;,)]*|end|fi|done|esac|endif|endfor|endwhile)\s*$/

export function currentLinePrefix(prefix: string): string {
  return prefix.slice(prefix.lastIndexOf('\n') + 1)
}

export function restOfLine(suffix: string): string {
  const nl = suffix.indexOf('\n')
  return nl < 0 ? suffix : suffix.slice(0, nl)
}

const indentOf = (line: string): string => /^[ \t]*/.exec(line)?.[0] ?? ''
const indentWidth = (line: string, tabSize = 4): number => {
  let w = 0
  for (const ch of indentOf(line)) w += ch === '\t' ? tabSize : 1
  return w
}
const isBlank = (s: string): boolean => s.trim() === ''

function lastNonBlankLine(prefix: string): string | undefined {
  const lines = prefix.split('\n')
  lines.pop() // the current line
  for (let i = lines.length - 1; i >= 0; i--) if (!isBlank(lines[i] ?? '')) return lines[i]
  return undefined
}

/**
 * Single line mid-line or after code on the line; a multi-line block at an empty line after a
 * block opener, or right after an opener at the end of a line.
 */
export function decideMode(prefix: string, suffix: string): CompletionMode {
  if (!isBlank(restOfLine(suffix))) return 'single'
  const line = currentLinePrefix(prefix)
  if (isBlank(line)) {
    const prev = lastNonBlankLine(prefix)
    return prev !== undefined && BLOCK_OPENER.test(prev) ? 'multi' : 'single'
  }
  return BLOCK_OPENER.test(line) ? 'multi' : 'single'
}

/** Rule: single-line mode keeps the first line only; a newline means the answer is complete. */
export function cutSingleLine(text: string): Processed {
  const nl = text.indexOf('\n')
  return nl < 0 ? { text, complete: false } : { text: text.slice(0, nl), complete: true }
}

/** Tabs vs spaces and the indent unit used by the prefix. */
export function detectIndent(prefix: string): { tabs: boolean; unit: number } {
  let tabs = 0
  let spaces = 0
  let unit = 0
  for (const line of prefix.split('\n')) {
    if (line.startsWith('\t')) tabs++
    else if (line.startsWith(' ') && !isBlank(line)) {
      spaces++
      const n = indentOf(line).length
      if (unit === 0 || n < unit) unit = n
    }
  }
  return { tabs: tabs > spaces, unit: Math.min(8, Math.max(2, unit || 4)) }
}

/**
 * Rule: fix indentation. The first line must not repeat the indentation already left of the
 * cursor; following lines use the file's tabs-or-spaces convention.
 */
export function fixIndentation(text: string, prefix: string): string {
  const line = currentLinePrefix(prefix)
  const lines = text.split('\n')
  if (isBlank(line) && lines[0] !== undefined) {
    const lead = indentOf(lines[0]).length
    lines[0] = lines[0].slice(Math.min(lead, line.length))
  }
  const { tabs, unit } = detectIndent(prefix)
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i] ?? ''
    const ind = indentOf(l)
    if (ind === '') continue
    let fixed = ind
    if (tabs && ind.includes(' ')) {
      const width = indentWidth(ind, unit)
      fixed = '\t'.repeat(Math.floor(width / unit)) + ' '.repeat(width % unit)
    } else if (!tabs && ind.includes('\t')) {
      fixed = ' '.repeat(indentWidth(ind, unit))
    }
    lines[i] = fixed + l.slice(ind.length)
  }
  return lines.join('\n')
}

/** Net bracket depth of a piece of code, ignoring brackets inside quotes on the same line. */
export function bracketDelta(text: string): number {
  let depth = 0
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (quote) {
      if (ch === '\\') i++
      else if (ch === quote || ch === '\n') quote = null
      continue
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch
    else if (ch in OPENERS) depth++
    else if (ch in CLOSERS) depth--
  }
  return depth
}

/**
 * Rule: stop where the completion starts repeating the suffix.
 * (a) mid-line: the first line ends with the rest of the current line (`foo(` + `a, b)` before
 *     `)`) — cut it, unless that would unbalance brackets the completion itself opened (`bar()`);
 * (b) the completion reaches a line equal (indentation included) to the suffix's next non-blank
 *     line — cut before that line.
 */
export function trimSuffixOverlap(text: string, ctx: PostContext): Processed {
  const rest = restOfLine(ctx.suffix)
  const r = rest.trim()
  if (r !== '') {
    const nl = text.indexOf('\n')
    const first = nl < 0 ? text : text.slice(0, nl)
    const firstDone = nl >= 0 || ctx.final
    const trimmed = first.trimEnd()
    if (firstDone && trimmed.endsWith(r)) {
      let cut = trimmed.slice(0, trimmed.length - r.length)
      if (/^\s/.test(rest)) cut = cut.trimEnd()
      if (Math.abs(bracketDelta(cut)) <= Math.abs(bracketDelta(trimmed))) {
        return { text: cut, complete: true }
      }
    }
  }
  const suffixLines = ctx.suffix.split('\n').slice(1)
  const target = suffixLines.find((l) => !isBlank(l))?.trimEnd()
  if (target === undefined) return { text, complete: false }
  const lines = text.split('\n')
  const lineStart = currentLinePrefix(ctx.prefix)
  const judged = ctx.final ? lines.length : lines.length - 1
  for (let i = 0; i < judged; i++) {
    const abs = i === 0 ? lineStart + (lines[0] ?? '') : (lines[i] ?? '')
    if (i === 0 && !isBlank(lineStart)) continue // line 0 continues code already on the line
    if (abs.trimEnd() === target) {
      return { text: lines.slice(0, i).join('\n'), complete: true }
    }
  }
  return { text, complete: false }
}

/**
 * Rule: drop repeated lines — a line identical to the one before it (the model looping), or a
 * first line that repeats the last line of the prefix. Lines that only close blocks may repeat.
 */
export function dropRepeatedLines(text: string, ctx: PostContext): Processed {
  const lines = text.split('\n')
  const lineStart = currentLinePrefix(ctx.prefix)
  const judged = ctx.final ? lines.length : lines.length - 1
  let prev: string | undefined = isBlank(lineStart) ? lastNonBlankLine(ctx.prefix) : undefined
  for (let i = 0; i < judged; i++) {
    const abs = i === 0 ? lineStart + (lines[0] ?? '') : (lines[i] ?? '')
    if (!isBlank(abs) && !ONLY_CLOSERS.test(abs) && prev !== undefined && abs.trimEnd() === prev.trimEnd()) {
      return { text: lines.slice(0, i).join('\n'), complete: true }
    }
    if (!isBlank(abs)) prev = abs
  }
  return { text, complete: false }
}

/**
 * Rule: a multi-line completion is one block with a line limit. It ends at the first line
 * indented less than the block (kept if it only closes the block, like `}`), at two blank lines
 * in a row, or after `maxLines` lines.
 */
export function limitBlock(text: string, ctx: PostContext): Processed {
  const lines = text.split('\n')
  const lineStart = currentLinePrefix(ctx.prefix)
  const judged = ctx.final ? lines.length : lines.length - 1
  let base: number | undefined
  let blanks = 0
  for (let i = 0; i < judged; i++) {
    const abs = i === 0 ? lineStart + (lines[0] ?? '') : (lines[i] ?? '')
    if (isBlank(abs)) {
      if (i > 0 && ++blanks >= 2) return { text: lines.slice(0, i - 1).join('\n'), complete: true }
      continue
    }
    blanks = 0
    const w = indentWidth(abs)
    if (base === undefined) {
      base = w
      continue
    }
    if (w < base) {
      const keep = ONLY_CLOSERS.test(abs) ? i + 1 : i
      return { text: lines.slice(0, keep).join('\n'), complete: true }
    }
  }
  if (lines.length > ctx.maxLines) return { text: lines.slice(0, ctx.maxLines).join('\n'), complete: true }
  if (lines.length === ctx.maxLines && judged === lines.length) return { text, complete: true }
  return { text, complete: false }
}

/**
 * Rule: keep brackets balanced. A closer that matches nothing in the completion closes a bracket
 * of the prefix: if the suffix already starts with it, the completion stops there; a closer of
 * the wrong kind ends it. At the end of a multi-line completion, unclosed brackets make it fall
 * back to the last line end where everything was closed.
 */
export function balanceBrackets(text: string, ctx: PostContext): Processed {
  const stack: string[] = []
  const suffixHead = ctx.suffix.trimStart()[0]
  let quote: string | null = null
  let lastBalancedLineEnd = -1
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (quote) {
      if (ch === '\\') i++
      else if (ch === quote || ch === '\n') quote = null
      if (ch === '\n' && stack.length === 0) lastBalancedLineEnd = i
      continue
    }
    if (ch === '\n' && stack.length === 0) lastBalancedLineEnd = i
    if (ch === '"' || ch === "'" || ch === '`') quote = ch
    else if (ch in OPENERS) stack.push(ch)
    else if (ch in CLOSERS) {
      const top = stack[stack.length - 1]
      if (top === undefined) {
        if (suffixHead === ch) return { text: text.slice(0, i).trimEnd(), complete: true }
        continue // closes a bracket opened in the prefix
      }
      if (top !== CLOSERS[ch]) return { text: text.slice(0, i), complete: true }
      stack.pop()
    }
  }
  if (ctx.final && ctx.mode === 'multi' && stack.length > 0 && lastBalancedLineEnd > 0) {
    const cut = text.slice(0, lastBalancedLineEnd)
    if (!isBlank(cut)) return { text: cut, complete: true }
  }
  return { text, complete: false }
}

/**
 * Whether appending `chunk` to a streaming completion can make `processCompletion` report it
 * complete. Every rule judges complete lines only (a line end) except bracket balance, which acts
 * at a closer: a chunk with neither cannot end the answer, so a streaming consumer may skip the
 * post-processing pass for it (postprocess.test.ts checks this against processCompletion).
 */
export function mayComplete(chunk: string): boolean {
  return /[\n\r)\]}]/.test(chunk)
}

/** All rules in order. Idempotent on its own output. */
export function processCompletion(raw: string, ctx: PostContext): Processed {
  let text = raw.replace(/\r\n?/g, '\n')
  let complete = false
  const apply = (p: Processed): void => {
    text = p.text
    complete ||= p.complete
  }
  if (ctx.mode === 'single') {
    apply(cutSingleLine(text))
  } else {
    text = fixIndentation(text, ctx.prefix)
  }
  const c = { ...ctx, final: ctx.final || complete }
  apply(trimSuffixOverlap(text, c))
  apply(dropRepeatedLines(text, c))
  if (ctx.mode === 'multi') apply(limitBlock(text, c))
  apply(balanceBrackets(text, { ...c, final: c.final || complete }))
  if (ctx.final || complete) text = text.trimEnd()
  if (isBlank(text) && (ctx.final || complete)) text = ''
  return { text, complete }
}
