/** One piece of code sent to the model, numbered as the prompt shows it ([1], [2], …). */
export interface ChatSource {
  n: number
  path: string
  startLine: number
  endLine: number
  text: string
  /** How it got into the prompt: a mention the user made, or retrieval for @codebase. */
  origin: 'file' | 'symbol' | 'selection' | 'codebase'
}

/** An `@symbol` mention: the chunk of the index that declares it. */
export interface SymbolMention {
  name: string
  path: string
  startLine: number
  endLine: number
}

/** What the user attached to a question (each visible and removable as a chip in the panel). */
export interface ChatContextRequest {
  /** Retrieve the chunks most related to the question from the workspace index. */
  codebase?: boolean
  /** Whole files (workspace-relative), cut to the budget. */
  files?: readonly string[]
  /** Declarations picked with `@symbol`: each one's lines as the file has them now. */
  symbols?: readonly SymbolMention[]
  /** The editor's selection (or the open file's visible part). */
  selection?: { path: string; startLine: number; endLine: number; text: string }
}

/** What gathering needs from the index and the workspace: narrow ports, so tests use the real ones. */
export interface SourcePorts {
  /** Hybrid search: the best chunks for a query, by file range. */
  search(
    query: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<readonly { path: string; startLine: number; endLine: number }[]>
  /** A workspace file's text (through the path guard). */
  readFile(path: string, signal?: AbortSignal): Promise<string>
}

export interface SourceBudget {
  /** All sources together, in approximate tokens. */
  tokens: number
  /** Code averages 3–4 characters per token in BPE vocabularies; generous on purpose. */
  charsPerToken: number
  /** Chunks asked of the index for @codebase (fewer are sent when the budget runs out). */
  retrieve: number
}

/**
 * Gathering's cap. What is sent is then fitted to the served model's window (promptBudget.ts), so
 * this is the most any model gets, not what a small one gets.
 */
export const DEFAULT_SOURCE_BUDGET: SourceBudget = { tokens: 8000, charsPerToken: 3.5, retrieve: 12 }

/**
 * The code a question is answered from, in order of how surely the user meant it: the selection,
 * then mentioned files and symbols, then retrieved chunks, each kept whole or cut at a line end, until the
 * budget is spent. Ranges that overlap one already sent are skipped, so no line is paid for twice.
 */
export async function gatherSources(
  question: string,
  req: ChatContextRequest,
  ports: SourcePorts,
  budget: SourceBudget = DEFAULT_SOURCE_BUDGET,
  signal?: AbortSignal,
): Promise<ChatSource[]> {
  let left = Math.floor(budget.tokens * budget.charsPerToken)
  const out: ChatSource[] = []
  const add = (path: string, startLine: number, lines: string[], origin: ChatSource['origin']): void => {
    if (left <= 0 || lines.length === 0) return
    const kept: string[] = []
    for (const line of lines) {
      if (line.length + 1 > left) break
      kept.push(line)
      left -= line.length + 1
    }
    if (kept.length === 0) return
    const endLine = startLine + kept.length - 1
    if (out.some((s) => s.path === path && s.startLine <= endLine && startLine <= s.endLine)) {
      left += kept.join('\n').length + 1
      return
    }
    out.push({ n: out.length + 1, path, startLine, endLine, text: kept.join('\n'), origin })
  }
  if (req.selection) {
    const s = req.selection
    add(s.path, s.startLine, s.text.split(/\r?\n/), 'selection')
  }
  const read = new Map<string, Promise<string[]>>()
  const linesOf = (path: string): Promise<string[]> => {
    let p = read.get(path)
    if (!p) {
      p = ports.readFile(path, signal).then((t) => t.split(/\r?\n/))
      read.set(path, p)
    }
    return p
  }
  for (const path of req.files ?? []) add(path, 1, await linesOf(path), 'file')
  // After whole files: a symbol inside a file already sent is not sent twice.
  for (const m of req.symbols ?? []) {
    const lines = await linesOf(m.path)
    add(m.path, m.startLine, lines.slice(m.startLine - 1, m.endLine), 'symbol')
  }
  if (req.codebase && left > 0) {
    const hits = await ports.search(question, budget.retrieve, signal)
    for (const h of hits) {
      const lines = await linesOf(h.path)
      add(h.path, h.startLine, lines.slice(h.startLine - 1, h.endLine), 'codebase')
    }
  }
  return out
}
