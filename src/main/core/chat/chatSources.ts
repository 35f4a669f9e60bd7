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
  const read = new Map<string, Promise<string>>()
  const textOf = (path: string): Promise<string> => {
    let p = read.get(path)
    if (!p) {
      p = ports.readFile(path, signal)
      read.set(path, p)
    }
    return p
  }
  for (const path of req.files ?? []) add(path, 1, (await textOf(path)).split(/\r?\n/), 'file')
  // After whole files: a symbol inside a file already sent is not sent twice.
  for (const m of req.symbols ?? [])
    add(m.path, m.startLine, linesIn(await textOf(m.path), m.startLine, m.endLine), 'symbol')
  if (req.codebase && left > 0) {
    const hits = await ports.search(question, budget.retrieve, signal)
    // Read all at once: each read waits on the disk and the path guard's folder checks, not on
    // the read before it. A file gone or unreadable since it was indexed is left out; the other
    // hits still answer.
    const texts = hits.map((h) => textOf(h.path).catch(() => undefined))
    for (const [i, h] of hits.entries()) {
      const text = await texts[i]
      if (text !== undefined) add(h.path, h.startLine, linesIn(text, h.startLine, h.endLine), 'codebase')
    }
  }
  return out
}

/**
 * Lines `start`..`end` (1-based, inclusive) of `text` as `split(/\r?\n/)` would give them, found
 * without splitting the whole file: a retrieved chunk is a few dozen lines of a file that may have
 * tens of thousands.
 */
export function linesIn(text: string, start: number, end: number): string[] {
  let pos = 0
  for (let line = 1; line < start; line++) {
    const nl = text.indexOf('\n', pos)
    if (nl < 0) return []
    pos = nl + 1
  }
  const out: string[] = []
  for (let line = Math.max(start, 1); line <= end; line++) {
    const nl = text.indexOf('\n', pos)
    const raw = nl < 0 ? text.slice(pos) : text.slice(pos, nl)
    out.push(nl >= 0 && raw.endsWith('\r') ? raw.slice(0, -1) : raw)
    if (nl < 0) break
    pos = nl + 1
  }
  return out
}
