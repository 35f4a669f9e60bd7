/** One piece of code sent to the model, numbered as the prompt shows it ([1], [2], …). */
export interface ChatSource {
  n: number
  path: string
  startLine: number
  endLine: number
  text: string
  /** How it got into the prompt: a mention the user made, or retrieval for @codebase. */
  origin: 'file' | 'selection' | 'codebase'
}

/** What the user attached to a question (each visible and removable as a chip in the panel). */
export interface ChatContextRequest {
  /** Retrieve the chunks most related to the question from the workspace index. */
  codebase?: boolean
  /** Whole files (workspace-relative), cut to the budget. */
  files?: readonly string[]
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

export const DEFAULT_SOURCE_BUDGET: SourceBudget = { tokens: 3000, charsPerToken: 3.5, retrieve: 12 }

/**
 * The code a question is answered from, in order of how surely the user meant it: the selection,
 * then mentioned files, then retrieved chunks, each kept whole or cut at a line end, until the
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
  for (const path of req.files ?? []) {
    const text = await ports.readFile(path, signal)
    add(path, 1, text.split(/\r?\n/), 'file')
  }
  if (req.codebase && left > 0) {
    const hits = await ports.search(question, budget.retrieve, signal)
    const files = new Map<string, string[]>()
    for (const h of hits) {
      let lines = files.get(h.path)
      if (!lines) {
        lines = (await ports.readFile(h.path, signal)).split(/\r?\n/)
        files.set(h.path, lines)
      }
      add(h.path, h.startLine, lines.slice(h.startLine - 1, h.endLine), 'codebase')
    }
  }
  return out
}
