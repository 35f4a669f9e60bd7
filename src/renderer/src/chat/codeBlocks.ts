import { marked, type Token, type Tokens } from 'marked'
import type { ChatCitation } from '@shared/contract/chat'

/** A fenced (or indented) code block of an answer, in the order the page shows them. */
export interface CodeBlock {
  /** The fence's language tag (first word of its info string), lower-case; '' when none. */
  lang: string
  /** The code as it would be applied: a leading path comment taken out. */
  text: string
  /** A file the block names: `ts title=src/a.ts`, `ts:src/a.ts`, `path=…`, or a first-line `// src/a.ts`. */
  path?: string
}

/** A relative path with an extension. */
const PATH = /[\w.@-][\w./@-]*\.\w+/.source
const INFO_PATH = new RegExp(
  '(?:^|\\s)(?:title|file|path|filename)=["\']?(' + PATH + ')["\']?|^[\\w+#-]+:(' + PATH + ')$',
)
/** A first line that only names a file: `// src/a.ts`, `# app.py`, `-- q.sql`, `<!-- a.html -->`, a CSS comment. */
const COMMENT_PATH = new RegExp(
  /^\s*(?:\/\/|#|--|;|<!--|\/\*)\s*(?:(?:file|path|filename):\s*)?/.source +
    '(' +
    PATH +
    ')' +
    /\s*(?:-->|\*\/)?\s*$/.source,
  'i',
)

/** The answer's code blocks, in page order (marked's own walk, so they line up with its `pre` elements). */
export function codeBlocks(markdown: string): CodeBlock[] {
  const out: CodeBlock[] = []
  void marked.walkTokens(marked.lexer(markdown, { gfm: true }), (t: Token) => {
    if (t.type !== 'code') return
    const c = t as Tokens.Code
    const info = (c.lang ?? '').trim()
    const lang = (/^[^\s:]*/.exec(info)?.[0] ?? '').toLowerCase()
    const fromInfo = INFO_PATH.exec(info)
    let text = c.text
    let path = fromInfo?.[1] ?? fromInfo?.[2]
    const first = text.split('\n', 1)[0] ?? ''
    const fromComment = COMMENT_PATH.exec(first)
    if (fromComment?.[1] && (!path || path === fromComment[1])) {
      path = fromComment[1]
      text = text.slice(first.length).replace(/^\r?\n/, '')
    }
    out.push({ lang, text, ...(path ? { path: path.replace(/^\.\//, '') } : {}) })
  })
  return out
}

/** Where "Apply" puts a block: a file and its lines (the whole file when absent). */
export interface ApplyTarget {
  path: string
  range?: { startLine: number; endLine: number }
  /** Why this target, for the review's title: "cited [2]", "named in the block", "selection", "open file". */
  why: string
}

export interface ApplyContext {
  /** The answer's citations, in the order it made them. */
  citations: readonly ChatCitation[]
  /** The file in the editor, if any. */
  activePath: string | undefined
  /** The editor's selection (lines), if one is not empty. */
  selection: { path: string; startLine: number; endLine: number } | undefined
  /** Monaco's language id of a path, and of a fence tag ('ts' → 'typescript'). */
  languageOfPath: (path: string) => string
  languageOfTag: (tag: string) => string | undefined
}

/**
 * The file and lines a code block replaces: the file the block names (at the lines the answer
 * cites in it, else the selection in it, else whole); else the first cited range in a file of the
 * block's language; else the open file (its selection, else whole). Undefined: nowhere to apply.
 */
export function applyTarget(block: CodeBlock, c: ApplyContext): ApplyTarget | undefined {
  const inFile = (path: string, why: string): ApplyTarget => {
    const cited = c.citations.find((x) => x.path === path)
    if (cited)
      return {
        path,
        range: { startLine: cited.startLine, endLine: cited.endLine },
        why: `${why}, cited [${cited.n}]`,
      }
    if (c.selection?.path === path)
      return {
        path,
        range: { startLine: c.selection.startLine, endLine: c.selection.endLine },
        why: `${why}, selection`,
      }
    return { path, why }
  }
  if (block.path) return inFile(block.path, 'named in the block')
  const lang = block.lang ? c.languageOfTag(block.lang) : undefined
  const cited = c.citations.find((x) => lang === undefined || c.languageOfPath(x.path) === lang)
  if (cited && block.lang)
    return {
      path: cited.path,
      range: { startLine: cited.startLine, endLine: cited.endLine },
      why: `cited [${cited.n}]`,
    }
  if (!c.activePath) return undefined
  if (c.selection?.path === c.activePath)
    return {
      path: c.activePath,
      range: { startLine: c.selection.startLine, endLine: c.selection.endLine },
      why: 'selection',
    }
  return { path: c.activePath, why: 'open file' }
}
