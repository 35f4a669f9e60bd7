import {
  appendFileSync,
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CompletionCache } from './completionCache'

const dirs: string[] = []
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hearth-cc-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('CompletionCache', () => {
  it('one canonical key: every part matters', () => {
    const k = CompletionCache.key('m', 'qwen', 'pre', 'suf')
    expect(CompletionCache.key('m', 'qwen', 'pre', 'suf')).toBe(k)
    expect(CompletionCache.key('m2', 'qwen', 'pre', 'suf')).not.toBe(k)
    expect(CompletionCache.key('m', 'starcoder', 'pre', 'suf')).not.toBe(k)
    expect(CompletionCache.key('m', 'qwen', 'pre2', 'suf')).not.toBe(k)
    expect(CompletionCache.key('m', 'qwen', 'pre', 'suf2')).not.toBe(k)
    // No ambiguity from concatenation.
    expect(CompletionCache.key('m', 'qwen', 'ab', 'c')).not.toBe(CompletionCache.key('m', 'qwen', 'a', 'bc'))
  })

  it('memory LRU evicts the least recently used', () => {
    const c = new CompletionCache({ maxEntries: 2 })
    c.set('a', '1')
    c.set('b', '2')
    expect(c.get('a')).toBe('1') // a is now most recent
    c.set('c', '3')
    expect(c.get('b')).toBeUndefined()
    expect(c.get('a')).toBe('1')
    expect(c.get('c')).toBe('3')
  })

  it('expires after the TTL', () => {
    let now = 1000
    const c = new CompletionCache({ ttlMs: 5 * 60_000, now: () => now })
    c.set('a', 'x')
    now += 5 * 60_000
    expect(c.get('a')).toBe('x')
    now += 1
    expect(c.get('a')).toBeUndefined()
  })

  it('persists across instances (restart), skipping torn and expired lines', async () => {
    const file = join(tmp(), 'completion-cache.jsonl')
    let now = 10_000
    const a = new CompletionCache({ file, now: () => now })
    a.set('k1', 'hello')
    a.set('k2', 'world')
    await a.flush()
    appendFileSync(file, '{"k":"torn","t":') // killed mid-write
    now += 60_000
    const b = new CompletionCache({ file, now: () => now })
    await b.load()
    expect(b.get('k1')).toBe('hello')
    expect(b.get('torn')).toBeUndefined()
    const c = new CompletionCache({ file, now: () => now + 25 * 60 * 60_000 })
    await c.load()
    expect(c.get('k1')).toBeUndefined()
  })

  it('compacts the file when it grows past the limit', async () => {
    const file = join(tmp(), 'cc.jsonl')
    const c = new CompletionCache({ file, maxPersisted: 10 })
    for (let i = 0; i < 25; i++) {
      c.set(`k${i}`, `v${i}`)
      if (i % 5 === 4) await c.flush()
    }
    await c.flush()
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    expect(lines.length).toBeLessThanOrEqual(15)
    const d = new CompletionCache({ file, maxPersisted: 10 })
    await d.load()
    expect(d.get('k24')).toBe('v24')
    expect(d.get('k0')).toBeUndefined()
  })

  it('an unreadable or garbage file is not an error', async () => {
    const file = join(tmp(), 'cc.jsonl')
    writeFileSync(file, '\u0000\u0001garbage\n[1,2]\n')
    const c = new CompletionCache({ file })
    await c.load()
    expect(c.get('x')).toBeUndefined()
  })

  it.skipIf(process.platform === 'win32')(
    "keeps completions (the user's code) for the user only: folder 0700, file 0600, also after compaction",
    async () => {
      const dir = join(tmp(), 'data')
      const file = join(dir, 'completion-cache.jsonl')
      const c = new CompletionCache({ file, maxPersisted: 3 })
      c.set('k1', 'secret code')
      await c.flush()
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      for (let i = 0; i < 8; i++) c.set(`k${i}`, `v${i}`)
      await c.flush() // past maxPersisted: rewritten
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(readdirSync(dir)).toEqual(['completion-cache.jsonl'])
      // A file an older version left readable by everyone is tightened on the next write.
      chmodSync(file, 0o644)
      chmodSync(dir, 0o755)
      const d = new CompletionCache({ file })
      d.set('k9', 'v9')
      await d.flush()
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(statSync(dir).mode & 0o777).toBe(0o700)
    },
  )
})
