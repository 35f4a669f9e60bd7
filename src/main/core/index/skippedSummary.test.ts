import { describe, expect, it } from 'vitest'
import { SkippedList, skippedOf } from './skippedSummary'

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

  it('a new list replaces the last; a file taken in leaves it at once, with the folder above it', () => {
    const list = new SkippedList()
    list.replace([
      { path: '.env', reason: 'may contain secrets' },
      { path: 'dist', reason: 'ignored by default (dist, not tracked by git)' },
      { path: 'passwd', reason: 'symlink to outside the workspace' },
    ])
    // Nothing listed among them (a path that only starts like a listed one is not under it).
    expect(list.admit(['src/a.ts', 'distant/x.ts'])).toBeNull()
    const after = list.admit(['.env', 'dist/bundle.js'])
    expect(after?.count).toBe(1)
    expect(after?.sample.map((s) => s.path)).toEqual(['passwd'])
    expect(list.replace([{ path: 'a.log', reason: 'ignored by .gitignore (*.log)' }]).count).toBe(1)
    expect(list.admit(['passwd'])).toBeNull()
  })
})
