import { describe, expect, it } from 'vitest'
import type { ResultOf } from '@shared/contract'
import { explainNoSuggestion } from './explainNoSuggestion'

const status = (over: Partial<ResultOf<'completion.status'>> = {}): ResultOf<'completion.status'> => ({
  provider: 'ollama',
  model: 'qwen2.5-coder:1.5b',
  endpoint: 'http://127.0.0.1:11434',
  state: 'ready',
  lastMs: null,
  counts: { requests: 0, cacheHits: 0, shown: 0, accepted: 0, acceptedWords: 0, dismissed: 0, kept: 0 },
  ...over,
})
const on = { off: false, pausedUntil: null }
const cursor = { path: 'a.ts', readOnly: false, before: ' ', after: '' }

describe('explainNoSuggestion', () => {
  it('says when completions are off or paused, and how to get them back', () => {
    expect(explainNoSuggestion({ off: true, pausedUntil: null }, cursor, status(), undefined)[0]).toMatch(
      /turned off.*Turn On/,
    )
    const now = Date.now()
    expect(
      explainNoSuggestion({ off: false, pausedUntil: now + 60_000 }, cursor, status(), undefined, now)[0],
    ).toMatch(/paused until .*Resume/)
  })
  it('names the editor rules: no file, read-only, inside a word', () => {
    expect(explainNoSuggestion(on, undefined, status(), undefined)[0]).toMatch(/No file is open/)
    expect(explainNoSuggestion(on, { ...cursor, readOnly: true }, status(), undefined)[0]).toMatch(
      /read-only/,
    )
    expect(explainNoSuggestion(on, { ...cursor, before: 'o', after: 'b' }, status(), undefined)[0]).toMatch(
      /inside a word/,
    )
  })
  it('passes on the model’s failure with its fix', () => {
    const lines = explainNoSuggestion(
      on,
      cursor,
      status({ state: 'error', reason: 'model_missing', message: 'model "x" not found' }),
      undefined,
    )
    expect(lines).toEqual([
      expect.stringMatching(/failed: model "x" not found/),
      expect.stringMatching(/ollama pull/),
    ])
  })
  it('says once that no backend can serve completions', () => {
    const lines = explainNoSuggestion(
      on,
      cursor,
      status({ state: 'error', reason: 'model_missing', message: 'model "x" not found' }),
      {
        profile: 'local',
        network: 'any',
        tasks: [
          {
            task: 'completion',
            endpointId: null,
            model: null,
            tier: null,
            fallback: false,
            reason: 'all down',
          },
        ],
        endpoints: [],
        updatedAt: 0,
      },
    )
    expect(lines).toEqual([
      expect.stringMatching(/^No backend can serve completions: all down\. Open Settings/),
    ])
  })
  it('says nothing is wrong when nothing is', () => {
    expect(explainNoSuggestion(on, cursor, status(), undefined)).toEqual([
      expect.stringMatching(/^Nothing is wrong that Hearth can see: qwen2.5-coder:1.5b is ready/),
    ])
  })
})
