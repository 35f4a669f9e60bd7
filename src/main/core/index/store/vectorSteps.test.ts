import { describe, expect, it } from 'vitest'
import { INDEX_FROM_ROWS, ivfLists, nextStep, SAMPLE_PER_LIST, type IvfState } from './vectorSteps'

const built = (lists: number, complete = true): IvfState => ({
  key: 'k',
  live: [{ gen: 1, lists }],
  complete,
})

describe('nextStep', () => {
  it('with nothing pending, creates the index from INDEX_FROM_ROWS vectors', () => {
    expect(nextStep(null, INDEX_FROM_ROWS - 1, false)).toBe('none')
    expect(nextStep(null, INDEX_FROM_ROWS, false)).toBe('create')
  })

  it('while texts are pending, creates it once a sample for the lists of all of them is stored', () => {
    const pending = 40_000
    const sample = ivfLists(pending + 1000) * SAMPLE_PER_LIST
    expect(nextStep(null, 1000, false, pending)).toBe('none')
    expect(nextStep(null, sample - 1, false, pending + 1000 - (sample - 1))).toBe('none')
    expect(nextStep(null, sample, false, pending + 1000 - sample)).toBe('create')
    // A backlog that ends under the size an index pays for at never starts one.
    expect(nextStep(null, 2000, false, INDEX_FROM_ROWS - 2001)).toBe('none')
  })

  it('moves, then vacuums, and grows a new generation when the lists should have doubled', () => {
    expect(nextStep(built(100, false), 20_000, false)).toBe('move')
    expect(nextStep(built(100), 20_000, true)).toBe('vacuum')
    expect(nextStep(built(100), 20_000, false)).toBe('none')
    expect(nextStep(built(100), 40_000, false)).toBe('create')
  })
})
