import { describe, expect, it } from 'vitest'
import { skippedOf } from './skippedSummary'

describe('the skipped summary in the index status', () => {
  it('counts per reason, most first, and samples every reason before the biggest fills it', () => {
    const logs = Array.from({ length: 500 }, (_, i) => ({
      path: `l${i}.log`,
      reason: 'ignored by .gitignore (*.log)',
    }))
    const s = skippedOf([
      ...logs,
      { path: 'a.bin', reason: 'unreadable (EACCES)' },
      { path: 'dist', reason: 'ignored by default (dist, not tracked by git)' },
    ])
    expect(s?.count).toBe(502)
    expect(s?.reasons?.[0]).toEqual({ reason: 'ignored by .gitignore (*.log)', count: 500 })
    expect(s?.reasons).toHaveLength(3)
    expect(s?.sample).toHaveLength(20)
    expect(s?.sample.map((x) => x.path)).toEqual(expect.arrayContaining(['a.bin', 'dist', 'l0.log']))
  })

  it('stays bounded however many reasons there are', () => {
    const s = skippedOf(Array.from({ length: 100 }, (_, i) => ({ path: `f${i}`, reason: `reason ${i}` })))
    expect(s?.reasons).toHaveLength(21)
    expect(s?.reasons?.[20]).toEqual({ reason: 'other reasons', count: 80 })
    expect(s?.sample).toHaveLength(20)
  })
})
