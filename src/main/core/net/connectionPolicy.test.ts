import { describe, expect, it } from 'vitest'
import { isLoopbackAddress, loopbackOnlyPolicy, offlineRefusal } from './connectionPolicy'

describe('connection policy', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['192.168.1.2', false],
    ['::ffff:10.0.0.1', false],
    ['2001:db8::1', false],
    ['localhost', false], // a name, not an address: checked after resolution
  ])('isLoopbackAddress(%s) = %s', (a, want) => {
    expect(isLoopbackAddress(a)).toBe(want)
  })

  it('loopback-only refuses every host but loopback literals and localhost names by URL, and non-loopback addresses', () => {
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://127.0.0.1:11434'))).not.toThrow()
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://localhost:11434'))).not.toThrow()
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://[::1]:8000'))).not.toThrow()
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://10.1.2.3:8000'))).toThrow(/loopback only/)
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://[2001:db8::1]:8000'))).toThrow(/loopback only/)
    // Other names are refused before anyone resolves them: the DNS query would leave the machine.
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://dgx.lan:8000'))).toThrow(
      /dgx\.lan.*not resolved/,
    )
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://localhost.evil.com/'))).toThrow(
      /forbidden|not resolved/,
    )
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://ollama.localhost:11434'))).not.toThrow()
    expect(() => loopbackOnlyPolicy.checkAddress('dgx.lan', '10.0.0.5')).toThrow(/resolves to 10\.0\.0\.5/)
    expect(() => loopbackOnlyPolicy.checkAddress('localhost', '127.0.0.1')).not.toThrow()
  })

  it('loopback-only answers localhost names itself and refuses other names unresolved', () => {
    expect(loopbackOnlyPolicy.resolveLocally?.('localhost')).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ])
    expect(loopbackOnlyPolicy.resolveLocally?.('LocalHost')).toHaveLength(2)
    expect(loopbackOnlyPolicy.resolveLocally?.('web.localhost')).toHaveLength(2)
    expect(loopbackOnlyPolicy.resolveLocally?.('127.0.0.2')).toEqual([{ address: '127.0.0.2', family: 4 }])
    expect(loopbackOnlyPolicy.resolveLocally?.('::1')).toEqual([{ address: '::1', family: 6 }])
    expect(() => loopbackOnlyPolicy.resolveLocally?.('dgx.invalid')).toThrow(/dgx\.invalid is not resolved/)
    expect(() => loopbackOnlyPolicy.resolveLocally?.('10.0.0.1')).toThrow(/not resolved/)
  })

  it('offlineRefusal agrees with the policy', () => {
    expect(offlineRefusal('http://dgx.invalid')).toMatch(/dgx\.invalid is not a loopback address/)
    expect(offlineRefusal('http://localhost:11434')).toBeUndefined()
    expect(offlineRefusal('http://[::1]:8000')).toBeUndefined()
  })
})
