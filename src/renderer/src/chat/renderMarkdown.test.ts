import { describe, expect, it } from 'vitest'
import { linkCitations } from './renderMarkdown'

describe('linkCitations', () => {
  it('links the cited numbers in prose only, not in code or links, and leaves the rest', () => {
    const md =
      'Doubles the delay [1] and caps it [3].\n\n```ts\nconst x = xs[1]\n```\nSee `ys[1]` and [1](http://x).'
    expect(linkCitations(md, new Set([1]))).toBe(
      'Doubles the delay [\\[1\\]](#cite-1) and caps it [3].\n\n```ts\nconst x = xs[1]\n```\nSee `ys[1]` and [1](http://x).',
    )
  })
})
