import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff'
import { rpcUrl, takePageToken } from './pageToken'

describe('takePageToken', () => {
  it('reads the token and removes it from the address bar', () => {
    const calls: string[] = []
    const hist = {
      state: null,
      replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void calls.push(String(url)),
    }
    expect(takePageToken({ href: 'http://127.0.0.1:5000/?token=abc%2Bd&x=1#h' }, hist)).toBe('abc+d')
    expect(calls).toEqual(['/?x=1#h'])
  })
  it('leaves a URL without token alone', () => {
    const calls: string[] = []
    const hist = { state: null, replaceState: () => void calls.push('x') }
    expect(takePageToken({ href: 'http://127.0.0.1:5000/' }, hist)).toBeUndefined()
    expect(calls).toEqual([])
  })
})

describe('rpcUrl', () => {
  it('uses the page origin and the right scheme', () => {
    expect(rpcUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, 'a b')).toBe(
      'ws://127.0.0.1:8080/rpc?token=a%20b',
    )
    expect(rpcUrl({ protocol: 'https:', host: 'dgx:443' }, undefined)).toBe('wss://dgx:443/rpc')
  })
})

describe('backoffDelay', () => {
  it('grows exponentially to a cap, with jitter', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(250)
    expect(backoffDelay(3, () => 0.5)).toBe(2000)
    expect(backoffDelay(20, () => 0.5)).toBe(5000)
    expect(backoffDelay(20, () => 1)).toBe(6000)
    expect(backoffDelay(20, () => 0)).toBe(4000)
  })
})
