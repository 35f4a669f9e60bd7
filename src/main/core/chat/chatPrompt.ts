import type { ChatMessage } from '../inference/chat/chatTypes'
import { languageForPath } from '../text/language'
import type { ChatSource } from './chatSources'

const SYSTEM = [
  "You are Hearth, a coding assistant inside the user's editor. Answer the question about their code.",
  'Numbered sources from their workspace may follow, each as [n] path:start-end and a code block.',
  'Use them when they help, and cite each one you used inline as [n] (e.g. "retries are capped in [2]").',
  'Cite only the numbers given; never invent paths or line numbers. If the sources do not answer the',
  'question, say so briefly and answer from general knowledge. Be concise; use Markdown with fenced code.',
].join('\n')

/** A source as the prompt shows it: its number, where it lives, and its code in a fence. */
export function renderSource(s: ChatSource): string {
  const id = languageForPath(s.path)
  const lang = id === 'plaintext' ? '' : id
  const fence = s.text.includes('```') ? '````' : '```'
  return `[${s.n}] ${s.path}:${s.startLine}-${s.endLine}\n${fence}${lang}\n${s.text}\n${fence}`
}

/**
 * The messages for one question: the instructions, the earlier turns of the conversation as the
 * user saw them, then the sources and the question together in the last user turn (so the
 * sources are the freshest thing the model read).
 */
export function buildChatMessages(
  question: string,
  sources: readonly ChatSource[],
  history: readonly ChatMessage[] = [],
): ChatMessage[] {
  const last =
    sources.length === 0
      ? question
      : `Sources:\n\n${sources.map(renderSource).join('\n\n')}\n\nQuestion: ${question}`
  return [{ role: 'system', content: SYSTEM }, ...history, { role: 'user', content: last }]
}
