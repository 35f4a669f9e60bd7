import { describe, expect, it } from 'vitest'
import { pickEndpoint, type Candidate } from './balancer'

const c = (id: string, o: Partial<Candidate> = {}): Candidate => ({
  id,
  inFlight: 0,
  latencyMs: null,
  gpuLoad: undefined,
  slow: false,
  ...o,
})
const opts = { gpuBusyPercent: 85 }

describe('pickEndpoint', () => {
  it('round-robin takes turns', () => {
    const cs = [c('a'), c('b'), c('c')]
    expect([0, 1, 2, 3].map((t) => pickEndpoint(cs, 'round-robin', t, opts)?.id)).toEqual([
      'a',
      'b',
      'c',
      'a',
    ])
  })

  it('least-connections prefers the idlest, ties in turn', () => {
    expect(
      pickEndpoint([c('a', { inFlight: 2 }), c('b', { inFlight: 1 })], 'least-connections', 0, opts)?.id,
    ).toBe('b')
    const tie = [c('a'), c('b')]
    expect([0, 1].map((t) => pickEndpoint(tie, 'least-connections', t, opts)?.id)).toEqual(['a', 'b'])
  })

  it('resource-based weighs latency, load in flight and GPU utilisation', () => {
    expect(
      pickEndpoint([c('fast', { latencyMs: 20 }), c('slow', { latencyMs: 200 })], 'resource', 0, opts)?.id,
    ).toBe('fast')
    expect(
      pickEndpoint(
        [c('fast', { latencyMs: 20, inFlight: 20 }), c('slow', { latencyMs: 200 })],
        'resource',
        0,
        opts,
      )?.id,
    ).toBe('slow')
    expect(
      pickEndpoint(
        [c('a', { latencyMs: 20, gpuLoad: 95 }), c('b', { latencyMs: 40, gpuLoad: 10 })],
        'resource',
        0,
        opts,
      )?.id,
    ).toBe('b')
    // never measured: explored at the best known latency
    expect(pickEndpoint([c('known', { latencyMs: 50 }), c('new')], 'resource', 1, opts)?.id).toBe('new')
  })
})
