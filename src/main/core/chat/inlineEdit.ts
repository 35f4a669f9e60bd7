import { HearthError } from '@shared/errors'
import type { ChatMessage } from '../inference/chat/chatTypes'
import { languageForPath } from '../text/language'

export interface EditRequest {
  path: string
  /** The lines to rewrite, as the editor holds them (unsaved edits included). */
  code: string
  /** A few lines around them, so the rewrite fits (never rewritten). */
  before: string
  after: string
  instruction: string
}

const SYSTEM = [
  "You rewrite a piece of code in the user's editor as they ask.",
  'Reply with the rewritten code only, in one fenced code block: no explanation before or after.',
  'Keep the indentation, style and anything the instruction does not ask to change. The code before',
  'and after is context: do not repeat it.',
].join('\n')

const fenceFor = (text: string): string => (text.includes('```') ? '````' : '```')

/** The messages that ask the chat model for a rewrite of `code`. */
export function editMessages(r: EditRequest): ChatMessage[] {
  const id = languageForPath(r.path)
  const lang = id === 'plaintext' ? '' : id
  const block = (label: string, text: string): string =>
    text.trim() ? `${label}:\n${fenceFor(text)}${lang}\n${text}\n${fenceFor(text)}\n\n` : ''
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content:
        `File: ${r.path}\n\n` +
        block('Code before (context)', r.before) +
        block('Code to rewrite', r.code) +
        block('Code after (context)', r.after) +
        `Instruction: ${r.instruction}`,
    },
  ]
}

/**
 * The rewrite in a model's answer: the first fenced block's content (models add prose despite
 * being told not to), else the whole answer. Its final newline follows the original's, so
 * accepting it does not add or eat a line.
 */
export function extractRewrite(answer: string, original: string): string {
  const m = /(`{3,}|~{3,})[^\n]*\n([\s\S]*?)(?:\n\1|$)/.exec(answer)
  let code = m ? (m[2] ?? '') : answer.trim()
  if (!m && !answer.trim()) throw new HearthError('invalid_result', 'the model answered with no code')
  code = code.replace(/\r\n/g, '\n')
  const wantsNewline = original.endsWith('\n')
  if (wantsNewline && !code.endsWith('\n')) code += '\n'
  if (!wantsNewline) code = code.replace(/\n+$/, '')
  return code
}
