import { describe, expect, it } from 'vitest'
import type { ContextSource, Snippet } from '../inference/contextSource'
import { gatherSnippets } from './gatherSnippets'

const source = (snippets: Snippet[]): ContextSource => ({
  name: 'index',
  snippets: () => Promise.resolve(snippets),
})

describe('gatherSnippets', () => {
  const fromIndex = source([
    { path: '.env', text: 'STRIPE_KEY=sk_live_abc', kind: 'definition' },
    { path: 'deploy/server.key', text: '-----BEGIN PRIVATE KEY-----', kind: 'definition' },
    { path: '.env.example', text: 'STRIPE_KEY=', kind: 'definition' },
    { path: 'src/pay.ts', text: 'export function pay() {}', kind: 'definition' },
  ])
  const query = { path: 'src/app.ts', language: 'typescript', prefix: '', suffix: '', line: 1, column: 1 }

  it('leaves snippets of secret-looking files out of the prompt by default', async () => {
    const r = await gatherSnippets([fromIndex], query, 1000, new AbortController().signal)
    expect(r.snippets.map((s) => s.path)).toEqual(['.env.example', 'src/pay.ts'])
  })

  it('keeps them when the user opted in', async () => {
    const r = await gatherSnippets([fromIndex], query, 1000, new AbortController().signal, true)
    expect(r.snippets.map((s) => s.path)).toEqual(['.env', 'deploy/server.key', '.env.example', 'src/pay.ts'])
  })
})
