import type { LatencySeries } from '@shared/contract/metrics'
import { describe, expect, it } from 'vitest'
import { recommend } from './recommendations'

const series = (name: string, labels: Record<string, string>, count: number, p95: number): LatencySeries => ({
  name,
  help: '',
  labels,
  count,
  sumMs: 0,
  p50: p95 / 2,
  p95,
  p99: p95,
  min: 0,
  max: p95,
  history: [],
})

describe('recommend', () => {
  it.each([
    [
      'slow completion without alternative',
      [series('hearth_completion_latency_seconds', { provider: 'ollama', cache: 'miss' }, 50, 180)],
      ['completion-slow:ollama'],
      /smaller model, or the remote DGX/,
    ],
    [
      'too few samples to judge',
      [series('hearth_completion_latency_seconds', { provider: 'ollama', cache: 'miss' }, 5, 900)],
      [],
      null,
    ],
    [
      'cache hits are not judged',
      [series('hearth_completion_latency_seconds', { provider: 'ollama', cache: 'hit' }, 500, 900)],
      [],
      null,
    ],
    [
      'fast completion',
      [series('hearth_completion_latency_seconds', { provider: 'ollama', cache: 'miss' }, 500, 60)],
      [],
      null,
    ],
    [
      'slow search',
      [series('hearth_search_latency_seconds', { kind: 'hybrid' }, 20, 400)],
      ['search-slow:hybrid'],
      /exclude generated/,
    ],
    [
      'slow embed batches',
      [series('hearth_index_latency_seconds', { stage: 'embed' }, 20, 5000)],
      ['embed-slow'],
      /embedding model/,
    ],
    [
      'slow file indexing',
      [series('hearth_index_latency_seconds', { stage: 'file' }, 20, 900)],
      ['index-file-slow'],
      /generated files/,
    ],
    [
      'costly probe',
      [series('hearth_probe_cost_seconds', { probe: 'graphics' }, 5, 120)],
      ['probe-slow:graphics'],
      /rarely/,
    ],
  ] as const)('%s', (_name, input, ids, msg) => {
    const r = recommend(input)
    expect(r.map((x) => x.id)).toEqual(ids)
    if (msg) expect(r[0]?.message).toMatch(msg)
  })
})
