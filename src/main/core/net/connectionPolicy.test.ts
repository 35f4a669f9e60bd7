import { describe, expect, it } from 'vitest'
import { isLoopbackAddress, loopbackOnlyPolicy } from './connectionPolicy'

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

  it('loopback-only refuses non-loopback IP literals by URL and non-loopback resolutions by address', () => {
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://127.0.0.1:11434'))).not.toThrow()
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://localhost:11434'))).not.toThrow()
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://[::1]:8000'))).not.toThrow()
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://10.1.2.3:8000'))).toThrow(/loopback only/)
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://[2001:db8::1]:8000'))).toThrow(/loopback only/)
    // Names pass the URL check and are judged on what they resolve to.
    expect(() => loopbackOnlyPolicy.checkUrl(new URL('http://dgx.lan:8000'))).not.toThrow()
    expect(() => loopbackOnlyPolicy.checkAddress('dgx.lan', '10.0.0.5')).toThrow(/resolves to 10\.0\.0\.5/)
    expect(() => loopbackOnlyPolicy.checkAddress('localhost', '127.0.0.1')).not.toThrow()
  })
})
