import type { ChatMessage } from '../inference/chat/chatTypes'
import { buildChatMessages } from './chatPrompt'
import type { ChatSource } from './chatSources'

/** The window assumed when a backend does not say: every current chat model has at least this. */
export const DEFAULT_CONTEXT_TOKENS = 4096

/**
 * Characters per token for fitting (no tokenizer for HTTP backends). Lower than the 3.5 that
 * gathering uses: fitting must not overflow, and code with many symbols runs near 3.
 */
const CHARS_PER_TOKEN = 3
/** What a template adds around each message (role markers, separators). */
const PER_MESSAGE = 8
/** Sources never take more than this, however large the window: a bigger prompt is a slower answer. */
export const MAX_SOURCE_TOKENS = 8000

export interface FitInput {
  question: string
  /** Gathered sources in order of importance (selection, mentions, retrieval). */
  sources: readonly ChatSource[]
  /** Earlier turns, oldest first. */
  history: readonly ChatMessage[]
  /** The served model's window; undefined: DEFAULT_CONTEXT_TOKENS. */
  contextTokens: number | undefined
  /** The answer's token limit asked for; less is reserved when the window is small. */
  maxTokens: number
}

export interface FittedPrompt {
  messages: ChatMessage[]
  /** The sources as sent (some cut at a line end, the last ones left out): citations name only these. */
  sent: ChatSource[]
  /** Earlier turns (messages) left out, oldest first, so the rest fits. */
  droppedTurns: number
  /** The answer's limit: room left for it in the window. */
  maxTokens: number
  contextTokens: number
}

export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN)

/**
 * The prompt for one question, made to fit the model's window with room for the answer (a
 * quarter of the window at most): the question always, then the sources (up to two thirds of
 * what is left when there is history, each cut at a line end), then the newest earlier turns
 * that fit. Old turns go first: the sources are what the question is about.
 */
export function fitPrompt(f: FitInput): FittedPrompt {
  const contextTokens = Math.max(512, f.contextTokens ?? DEFAULT_CONTEXT_TOKENS)
  const maxTokens = Math.max(64, Math.min(f.maxTokens, Math.floor(contextTokens / 4)))
  const bare = buildChatMessages(f.question, [], [])
  const fixed = bare.reduce((n, m) => n + estimateTokens(m.content) + PER_MESSAGE, 0)
  // A margin for the estimate's error and the "Sources:"/"Question:" framing.
  const margin = Math.ceil(contextTokens * 0.05) + 16
  let avail = Math.max(0, contextTokens - maxTokens - fixed - margin)

  const sourceShare = f.history.length > 0 ? Math.floor((avail * 2) / 3) : avail
  const sent = fitSources(f.sources, Math.min(sourceShare, MAX_SOURCE_TOKENS))
  avail -= sent.reduce((n, s) => n + sourceTokens(s), 0)

  const kept: ChatMessage[] = []
  for (let i = f.history.length - 1; i >= 0; i--) {
    const m = f.history[i] as ChatMessage
    const cost = estimateTokens(m.content) + PER_MESSAGE
    if (cost > avail) break
    avail -= cost
    kept.unshift(m)
  }
  // A conversation resumes with a question, not an answer whose question was left out.
  while (kept[0]?.role === 'assistant') kept.shift()
  return {
    messages: buildChatMessages(f.question, sent, kept),
    sent,
    droppedTurns: f.history.length - kept.length,
    maxTokens,
    contextTokens,
  }
}

/** A source's cost in the prompt: its code and its `[n] path:a-b` fence lines. */
function sourceTokens(s: ChatSource): number {
  return estimateTokens(s.text) + estimateTokens(s.path) + 8
}

/** The sources that fit in `tokens`, in order; the first that does not fit is cut at a line end, and the rest left out. */
function fitSources(sources: readonly ChatSource[], tokens: number): ChatSource[] {
  const out: ChatSource[] = []
  let left = tokens
  for (const s of sources) {
    const cost = sourceTokens(s)
    if (cost <= left) {
      out.push(s)
      left -= cost
      continue
    }
    const lines = s.text.split('\n')
    let chars = (left - estimateTokens(s.path) - 8) * CHARS_PER_TOKEN
    const kept: string[] = []
    for (const line of lines) {
      if (line.length + 1 > chars) break
      kept.push(line)
      chars -= line.length + 1
    }
    if (kept.length > 0) out.push({ ...s, text: kept.join('\n'), endLine: s.startLine + kept.length - 1 })
    break
  }
  return out
}
