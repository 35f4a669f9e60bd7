import { describe, expect, it } from 'vitest'
import { backoffMs, EMBEDDING_RETRY, parseRetryAfter } from './retry'

describe('retry', () => {
  it('full jitter within an exponential cap; Retry-After is a floor', () => {
    expect(backoffMs(1, EMBEDDING_RETRY, undefined, () => 1)).toBe(250)
    expect(backoffMs(3, EMBEDDING_RETRY, undefined, () => 1)).toBe(1000)
    expect(backoffMs(10, EMBEDDING_RETRY, undefined, () => 1)).toBe(4000)
    expect(backoffMs(2, EMBEDDING_RETRY, undefined, () => 0)).toBe(0)
    expect(backoffMs(1, EMBEDDING_RETRY, 1500, () => 0.5)).toBe(1500)
  })

  it('parses Retry-After seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 7_000)).toBe(3000)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})
