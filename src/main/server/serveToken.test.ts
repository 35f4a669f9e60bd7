import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { serveToken } from './serveToken'

const dirs: string[] = []
const dir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hearth-token-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe.skipIf(process.platform === 'win32')('serveToken', () => {
  it('mints a token once, saves it private to the user, and reuses it', () => {
    const d = dir()
    const first = serveToken(d)
    expect(first.source).toBe('new')
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(statSync(join(d, 'serve-token')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(d, 'serve-token'), 'utf8').trim()).toBe(`v2:${first.token}`)
    expect(serveToken(d)).toEqual({ token: first.token, source: 'saved' })
  })

  it('rotates on request', () => {
    const d = dir()
    const first = serveToken(d)
    const rotated = serveToken(d, true)
    expect(rotated.source).toBe('new')
    expect(rotated.token).not.toBe(first.token)
    expect(serveToken(d).token).toBe(rotated.token)
  })

  it('replaces a token file others can read, and says why', () => {
    const d = dir()
    const first = serveToken(d)
    chmodSync(join(d, 'serve-token'), 0o644)
    const next = serveToken(d)
    expect(next.token).not.toBe(first.token)
    expect(next.note).toMatch(/readable by other users/)
    expect(statSync(join(d, 'serve-token')).mode & 0o777).toBe(0o600)
  })

  it('replaces a file that does not hold a token', () => {
    const d = dir()
    writeFileSync(join(d, 'serve-token'), 'short\n', { mode: 0o600 })
    const t = serveToken(d)
    expect(t.source).toBe('new')
    expect(t.note).toMatch(/did not hold a token/)
  })

  it('replaces a token saved by a version that also kept it in a cookie (it may have leaked to other ports)', () => {
    const d = dir()
    const old = 'a'.repeat(32)
    writeFileSync(join(d, 'serve-token'), `${old}\n`, { mode: 0o600 })
    const t = serveToken(d)
    expect(t.source).toBe('new')
    expect(t.token).not.toBe(old)
    expect(t.note).toMatch(/cookie/)
    expect(serveToken(d)).toEqual({ token: t.token, source: 'saved' })
  })
})
