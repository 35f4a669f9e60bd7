import { describe, expect, it } from 'vitest'
import type { CompletionStatus } from '@shared/contract/completion'
import { completionStatusText, completionStatusTitle } from './completionStatusText'

const base: CompletionStatus = {
  provider: 'ollama',
  model: 'qwen2.5-coder:1.5b',
  endpoint: 'http://127.0.0.1:11434',
  state: 'ready',
  lastMs: 123.4,
  counts: { requests: 10, cacheHits: 4, shown: 8, accepted: 2, acceptedWords: 1, dismissed: 3, kept: 1 },
}

describe('completion status text', () => {
  it('ready shows the model', () => {
    expect(completionStatusText(base)).toEqual({ text: '✦ qwen2.5-coder:1.5b', tone: 'ok' })
  })
  it('distinct failure states', () => {
    expect(completionStatusText({ ...base, state: 'error', reason: 'model_missing' }).text).toContain(
      'model missing',
    )
    expect(completionStatusText({ ...base, state: 'error', reason: 'refused' }).text).toContain('down')
    expect(completionStatusText({ ...base, state: 'error', reason: 'stalled' }).text).toContain('timed out')
    expect(completionStatusText({ ...base, state: 'error', reason: 'unauthorized' }).text).toContain(
      'unauthorized',
    )
    expect(completionStatusText({ ...base, state: 'loading' }).tone).toBe('busy')
  })
  it('a timeout says so and names the fix for where the model runs', () => {
    const local = { ...base, provider: 'embedded', state: 'error' as const, reason: 'deadline' as const }
    expect(completionStatusText(local).text).toBe('⚠ qwen2.5-coder:1.5b: timed out')
    expect(completionStatusTitle(local)).toMatch(/Fix: .*smaller one in Settings ▸ Models/)
    expect(completionStatusTitle({ ...local, provider: 'ollama' })).toMatch(
      /Fix: .*raise the completion timeout/,
    )
  })
  it('tooltip carries the message, latency and local counts', () => {
    const t = completionStatusTitle({ ...base, message: 'run `ollama pull x`' })
    expect(t).toContain('run `ollama pull x`')
    expect(t).toContain('123 ms')
    expect(t).toContain('accepted 2')
    expect(t).toContain('25 % accepted')
  })
})
