import { homedir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultCacheDir, defaultDataDir } from './dataDir'

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
