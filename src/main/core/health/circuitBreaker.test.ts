import { describe, expect, it } from 'vitest'
import { CircuitBreaker } from './circuitBreaker'

const make = () => {
  let t = 1_000
  const b = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, maxOpenMs: 4000, now: () => t })
  return { b, advance: (ms: number) => (t += ms) }
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures; a success in between resets the count', () => {
    const { b } = make()
    b.onFailure()
    b.onFailure()
    b.onSuccess()
    b.onFailure()
    b.onFailure()
    expect(b.state).toBe('closed')
    b.onFailure()
    expect(b.state).toBe('open')
    expect(b.allowsRequest).toBe(false)
    expect(b.tryAcquire()).toBe(false)
  })

  it('half-opens after the open period, lets exactly one probe through, and closes on its success', () => {
    const { b, advance } = make()
    b.forceOpen()
    advance(999)
    expect(b.state).toBe('open')
    advance(1)
    expect(b.state).toBe('half_open')
    expect(b.tryAcquire()).toBe(true)
    expect(b.tryAcquire()).toBe(false)
    b.onSuccess()
    expect(b.state).toBe('closed')
    expect(b.consecutiveFailures).toBe(0)
  })

  it('re-opens for twice as long after a failed probe, capped', () => {
    const { b, advance } = make()
    b.forceOpen()
    const periods: number[] = []
    for (let i = 0; i < 4; i++) {
      // step to the end of the open period
      let waited = 0
      while (b.state === 'open') {
        advance(100)
        waited += 100
      }
      periods.push(waited)
      expect(b.tryAcquire()).toBe(true)
      b.onFailure()
    }
    expect(periods).toEqual([1000, 2000, 4000, 4000])
  })

  it('frees the probe slot when the probe ends without a verdict', () => {
    const { b, advance } = make()
    b.forceOpen()
    advance(1000)
    expect(b.tryAcquire()).toBe(true)
    b.release()
    expect(b.tryAcquire()).toBe(true)
  })
})
