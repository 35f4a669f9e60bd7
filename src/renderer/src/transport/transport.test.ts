import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff'
import { TOKEN_STORAGE_KEY, authMessage, rpcUrl, takePageToken } from './pageToken'

/** A Storage stand-in (Map-backed); `broken` throws like a browser with storage blocked. */
function memoryStorage(broken = false): Pick<Storage, 'getItem' | 'setItem'> & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return {
    map,
    getItem: (k) => {
      if (broken) throw new Error('SecurityError')
      return map.get(k) ?? null
    },
    setItem: (k, v) => {
      if (broken) throw new Error('QuotaExceededError')
      map.set(k, v)
    },
  }
}

function history(): { calls: string[]; state: null; replaceState: History['replaceState'] } {
  const calls: string[] = []
  return { calls, state: null, replaceState: (_s, _t, url) => void calls.push(String(url)) }
}

describe('takePageToken', () => {
  it('reads the token from the fragment, removes it from the address bar and keeps it for reloads', () => {
    const hist = history()
    const storage = memoryStorage()
    expect(takePageToken({ href: 'http://127.0.0.1:5000/?x=1#token=abc%2Bd&y=2' }, hist, storage)).toBe(
      'abc+d',
    )
    expect(hist.calls).toEqual(['/?x=1#y=2'])
    expect(storage.map.get(TOKEN_STORAGE_KEY)).toBe('abc+d')
  })
  it("after a reload (no token in the URL) finds it in this tab's storage", () => {
    const hist = history()
    const storage = memoryStorage()
    storage.map.set(TOKEN_STORAGE_KEY, 'kept')
    expect(takePageToken({ href: 'http://127.0.0.1:5000/' }, hist, storage)).toBe('kept')
    expect(hist.calls).toEqual([])
  })
  it('a token in the URL replaces the one kept (a new token was printed)', () => {
    const storage = memoryStorage()
    storage.map.set(TOKEN_STORAGE_KEY, 'old')
    expect(takePageToken({ href: 'http://127.0.0.1:5000/#token=new' }, history(), storage)).toBe('new')
    expect(storage.map.get(TOKEN_STORAGE_KEY)).toBe('new')
  })
  it('does not take a token from the query (the server would have received it)', () => {
    const hist = history()
    expect(takePageToken({ href: 'http://127.0.0.1:5000/?token=abc' }, hist, memoryStorage())).toBeUndefined()
    expect(hist.calls).toEqual([])
  })
  it('works in page memory when storage is blocked', () => {
    const hist = history()
    expect(takePageToken({ href: 'http://127.0.0.1:5000/#token=t' }, hist, memoryStorage(true))).toBe('t')
    expect(hist.calls).toEqual(['/'])
    expect(takePageToken({ href: 'http://127.0.0.1:5000/' }, hist, memoryStorage(true))).toBeUndefined()
    expect(takePageToken({ href: 'http://127.0.0.1:5000/' }, hist, undefined)).toBeUndefined()
  })
})

describe('rpcUrl and authMessage', () => {
  it('uses the page origin and the right scheme, with no token in the URL', () => {
    expect(rpcUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/rpc')
    expect(rpcUrl({ protocol: 'https:', host: 'dgx:443' })).toBe('wss://dgx:443/rpc')
  })
  it('puts the token in the first message', () => {
    expect(JSON.parse(authMessage('a b'))).toEqual({ t: 'auth', token: 'a b' })
    expect(JSON.parse(authMessage(undefined))).toEqual({ t: 'auth', token: '' })
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
