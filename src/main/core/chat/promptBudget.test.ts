import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '../inference/chat/chatTypes'
import type { ChatSource } from './chatSources'
import { DEFAULT_CONTEXT_TOKENS, estimateTokens, fitPrompt } from './promptBudget'

const code = (n: number, from = 1): string =>
  Array.from({ length: n }, (_, i) => `export const value${from + i} = compute(${from + i}) // line`).join(
    '\n',
  )

const source = (n: number, lines: number): ChatSource => ({
  n,
  path: `src/file${n}.ts`,
  startLine: 1,
  endLine: lines,
  text: code(lines),
  origin: 'codebase',
})

/** Ten earlier exchanges, each answer long. */
const HISTORY: ChatMessage[] = Array.from({ length: 10 }, (_, i): ChatMessage[] => [
  { role: 'user', content: `question ${i}: ${'why '.repeat(20)}` },
  { role: 'assistant', content: `answer ${i}: ${'because '.repeat(80)}` },
]).flat()

const promptTokens = (m: readonly ChatMessage[]): number =>
  m.reduce((n, x) => n + estimateTokens(x.content) + 8, 0)

describe('fitPrompt', () => {
  it('fits the window with room for the answer, whatever the window', () => {
    const sources = [source(1, 200), source(2, 200), source(3, 200)]
    for (const ctx of [1024, 2048, 4096, 8192, 32768, 131072]) {
      const f = fitPrompt({
        question: 'how is value computed?',
        sources,
        history: HISTORY,
        contextTokens: ctx,
        maxTokens: 1024,
      })
      expect(promptTokens(f.messages) + f.maxTokens, `window ${ctx}`).toBeLessThanOrEqual(ctx)
      expect(f.maxTokens).toBeLessThanOrEqual(Math.max(64, ctx / 4))
      expect(f.messages.at(-1)?.content.endsWith('Question: how is value computed?')).toBe(true)
    }
  })

  it('a small window keeps the question and the first source (cut at a line end), and drops the oldest turns first', () => {
    const sources = [source(1, 200), source(2, 50)]
    const f = fitPrompt({ question: 'q?', sources, history: HISTORY, contextTokens: 2048, maxTokens: 1024 })
    expect(f.sent).toHaveLength(1)
    expect(f.sent[0]?.endLine).toBeLessThan(200)
    expect(code(200)).toContain(f.sent[0]?.text)
    expect(f.droppedTurns).toBeGreaterThan(0)
    const kept = f.messages.slice(1, -1)
    // What is kept is the newest turns, starting with a question.
    expect(kept).toEqual(HISTORY.slice(HISTORY.length - kept.length))
    expect(kept[0]?.role ?? 'user').toBe('user')
  })

  it('a large window sends every source and the whole conversation', () => {
    const sources = [source(1, 40), source(2, 40)]
    const f = fitPrompt({ question: 'q?', sources, history: HISTORY, contextTokens: 32768, maxTokens: 1024 })
    expect(f.sent).toEqual(sources)
    expect(f.droppedTurns).toBe(0)
    expect(f.maxTokens).toBe(1024)
  })

  it('an unknown window is taken as the safe default', () => {
    expect(
      fitPrompt({ question: 'q', sources: [], history: [], contextTokens: undefined, maxTokens: 4096 }),
    ).toMatchObject({
      contextTokens: DEFAULT_CONTEXT_TOKENS,
      maxTokens: DEFAULT_CONTEXT_TOKENS / 4,
    })
  })
})
