import { describe, expect, it } from 'vitest'
import { editMessages, extractRewrite } from './inlineEdit'

describe('inline edit prompt and answer', () => {
  it('asks for the code with its context and the instruction', () => {
    const m = editMessages({
      path: 'src/a.ts',
      code: 'const x = 1',
      before: 'import y from "y"',
      after: '',
      instruction: 'rename x to count',
    })
    expect(m[1]?.content).toBe(
      'File: src/a.ts\n\nCode before (context):\n```typescript\nimport y from "y"\n```\n\nCode to rewrite:\n```typescript\nconst x = 1\n```\n\nInstruction: rename x to count',
    )
  })

  it('takes the first fenced block, keeps the original final newline, and the bare answer without a fence', () => {
    expect(extractRewrite('Sure!\n```ts\nconst count = 1\n```\nDone.', 'const x = 1\n')).toBe(
      'const count = 1\n',
    )
    expect(extractRewrite('```\nconst count = 1\n\n```', 'const x = 1')).toBe('const count = 1')
    expect(extractRewrite('const count = 1', 'const x = 1\n')).toBe('const count = 1\n')
    // A stream stopped inside the fence still gives what came.
    expect(extractRewrite('```ts\nconst a = 1\nconst b', 'x\n')).toBe('const a = 1\nconst b\n')
    expect(() => extractRewrite('  ', 'x')).toThrow(/no code/)
  })
})
