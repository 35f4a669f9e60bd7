import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createAppSecretStore, type SafeStorageLike } from './safeStorageEncryptor'

// Electron's binary is not installed here, so safeStorage is replaced by an object with the same
// four methods; what is tested is this adapter's decision, not Electron.
const fakeSafeStorage = (backend: string, available = true): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  getSelectedStorageBackend: () => backend as ReturnType<SafeStorageLike['getSelectedStorageBackend']>,
  encryptString: (s) => Buffer.from(s, 'utf8').reverse(),
  decryptString: (b) => Buffer.from(b).reverse().toString('utf8'),
})

describe('createAppSecretStore', () => {
  it('keeps tokens in memory only, with a warning, on the basic_text backend', () => {
    const warnings: string[] = []
    const s = createAppSecretStore(
      '/nonexistent',
      fakeSafeStorage('basic_text'),
      (m) => warnings.push(m),
      'linux',
    )
    expect(s.kind).toBe('memory')
    expect(warnings).toHaveLength(1)
    expect(s.warning).toMatch(/plain-text/)
  })

  it('keeps tokens in memory only when encryption is unavailable', () => {
    const warnings: string[] = []
    const s = createAppSecretStore(
      '/nonexistent',
      fakeSafeStorage('unknown', false),
      (m) => warnings.push(m),
      'darwin',
    )
    expect(s.kind).toBe('memory')
    expect(warnings).toHaveLength(1)
  })

  it('persists through safeStorage with a real keyring', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-ss-'))
    try {
      const warnings: string[] = []
      const s = createAppSecretStore(
        dir,
        fakeSafeStorage('gnome_libsecret'),
        (m) => warnings.push(m),
        'linux',
      )
      expect(s.kind).toBe('encrypted-file')
      await s.set('t', 'secret-value-xyz')
      expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toContain('secret-value-xyz')
      expect(warnings).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
