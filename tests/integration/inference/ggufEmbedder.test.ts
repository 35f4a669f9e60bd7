import { describe, expect, it } from 'vitest'
import { HearthError } from '@shared/errors'
import { GgufEmbedder } from '../../../src/main/core/inference/ggufEmbedder'
import { testModel } from '../../helpers/testModels'

// The real engine on the shared tiny GGUF: its vectors mean little (a story model), so this tests
// the pipeline: shape, normalisation, determinism, long and empty inputs, errors.
const MODEL = testModel('stories260K-fim-test.gguf')

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0))

describe('GgufEmbedder', { timeout: 120_000 }, () => {
  it('embeds texts into normalised vectors of the model size, the same text the same way', async () => {
    const e = new GgufEmbedder({ modelPath: MODEL, threads: 1 })
    try {
      expect(e.id).toBe('embedded:stories260K-fim-test.gguf')
      expect(e.dimensions).toBeNull()
      const [a, b, a2] = await e.embed([
        'function add(a, b) { return a + b }',
        'Once upon a time',
        'function add(a, b) { return a + b }',
      ])
      expect(e.dimensions).toBeGreaterThan(0)
      for (const v of [a, b, a2]) {
        expect(v).toHaveLength(e.dimensions ?? -1)
        expect(v?.every(Number.isFinite)).toBe(true)
        expect(norm(v as Float32Array)).toBeCloseTo(1, 4)
      }
      expect(Array.from(a2 as Float32Array)).toEqual(Array.from(a as Float32Array))
      expect(Array.from(b as Float32Array)).not.toEqual(Array.from(a as Float32Array))
    } finally {
      await e.dispose()
    }
  })

  it('cuts an input longer than the context and gives an empty one a zero vector', async () => {
    const e = new GgufEmbedder({ modelPath: MODEL, threads: 1 })
    try {
      const [long, empty] = await e.embed(['word '.repeat(20_000), ''])
      expect(norm(long as Float32Array)).toBeCloseTo(1, 4)
      expect(norm(empty as Float32Array)).toBe(0)
    } finally {
      await e.dispose()
    }
  })

  it('stops between texts when aborted, and still answers the next request', async () => {
    const e = new GgufEmbedder({ modelPath: MODEL, threads: 1 })
    try {
      const ac = new AbortController()
      ac.abort()
      await expect(e.embed(['a', 'b'], ac.signal)).rejects.toThrow()
      expect(await e.embed(['c'])).toHaveLength(1)
    } finally {
      await e.dispose()
    }
  })

  it('says the model file is missing, with the path', async () => {
    const e = new GgufEmbedder({ modelPath: '/nonexistent/nomic.gguf' })
    const err = await e.embed(['x']).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(HearthError)
    expect((err as HearthError).message).toMatch(/model file not found: \/nonexistent\/nomic.gguf/)
  })
})
