import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultCacheDir, defaultDataDir, ensurePrivateDir, ensurePrivateDirSync } from './dataDir'

describe('per-user directories', () => {
  it('cache: HEARTH_CACHE_DIR wins, a portable data directory keeps its cache inside, else the platform convention', () => {
    expect(defaultCacheDir({ HEARTH_CACHE_DIR: '/c', HEARTH_DATA_DIR: '/d' }, 'linux')).toBe('/c')
    expect(defaultCacheDir({ HEARTH_DATA_DIR: '/d' }, 'linux')).toBe(join('/d', 'cache'))
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' }, 'linux')).toBe(join('/x', 'hearth'))
    expect(defaultCacheDir({}, 'linux')).toBe(join(homedir(), '.cache', 'hearth'))
    expect(defaultCacheDir({}, 'darwin')).toBe(join(homedir(), 'Library', 'Caches', 'Hearth'))
    expect(defaultCacheDir({ LOCALAPPDATA: 'L' }, 'win32')).toBe(join('L', 'Hearth', 'Cache'))
  })

  it('data: HEARTH_DATA_DIR wins, else the platform convention', () => {
    expect(defaultDataDir({ HEARTH_DATA_DIR: '/d' }, 'linux')).toBe('/d')
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux')).toBe(join('/x', 'hearth'))
    expect(defaultDataDir({}, 'darwin')).toBe(join(homedir(), 'Library', 'Application Support', 'Hearth'))
  })
})

describe.skipIf(process.platform === 'win32')('the data directory is for its user only', () => {
  let base: string
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'hearth-datadir-'))
    chmodSync(base, 0o755)
  })
  afterEach(() => rmSync(base, { recursive: true, force: true }))
  const mode = (p: string): number => statSync(p).mode & 0o777

  it.each([
    ['async', ensurePrivateDir],
    ['sync', ensurePrivateDirSync],
  ] as const)(
    '%s: created 0700 (parents as usual), and an existing looser one tightened',
    async (_n, ensure) => {
      const dir = join(base, 'share', 'hearth')
      await ensure(dir)
      expect(mode(dir)).toBe(0o700)
      expect(mode(join(base, 'share'))).toBe(0o777 & ~process.umask())
      const old = join(base, 'old')
      mkdirSync(old)
      chmodSync(old, 0o755)
      await ensure(old)
      expect(mode(old)).toBe(0o700)
      await ensure(old) // nothing to do the second time
      expect(mode(old)).toBe(0o700)
    },
  )
})
