import { describe, expect, it } from 'vitest'
import { ManualClock } from './clock'

describe('ManualClock', () => {
  it('runs due timers in time order as it advances, at their own time', () => {
    const c = new ManualClock()
    const seen: [string, number][] = []
    c.setTimeout(() => seen.push(['b', c.now()]), 20)
    c.setTimeout(() => seen.push(['a', c.now()]), 10)
    const cancelled = c.setTimeout(() => seen.push(['x', c.now()]), 15)
    void cancelled.dispose()
    c.advance(12)
    expect(seen).toEqual([['a', 10]])
    expect(c.now()).toBe(12)
    c.advance(100)
    expect(seen).toEqual([
      ['a', 10],
      ['b', 20],
    ])
    expect(c.pending).toBe(0)
  })

  it('a timer set by a timer runs in the same advance when it falls due', () => {
    const c = new ManualClock()
    const seen: number[] = []
    c.setTimeout(() => c.setTimeout(() => seen.push(c.now()), 5), 5)
    c.advance(10)
    expect(seen).toEqual([10])
  })
})
