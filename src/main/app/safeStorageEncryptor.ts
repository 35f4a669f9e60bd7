import { join } from 'node:path'
import type { SafeStorage } from 'electron'
import { EncryptedFileSecretStore } from '../core/secrets/encryptedFileSecretStore'
import { MemorySecretStore } from '../core/secrets/memorySecretStore'
import type { Encryptor, SecretStore } from '../core/secrets/secretStore'

/** The part of Electron's safeStorage Hearth uses (so this adapter is testable without the binary). */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>

export function safeStorageEncryptor(safeStorage: SafeStorageLike): Encryptor {
  return {
    name: 'electron-safeStorage',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  }
}

/**
 * Tokens in `<userData>/secrets.json`, encrypted by the OS keyring through safeStorage. Where the
 * OS has no keyring — safeStorage unavailable, or Linux falling back to its 'basic_text' backend,
 * which "encrypts" with a hard-coded password — tokens are kept in memory only (entered again
 * after a restart) and the user is told why. Call after app 'ready' (safeStorage needs it).
 */
export function createAppSecretStore(
  userData: string,
  safeStorage: SafeStorageLike,
  warn: (message: string) => void,
  platform: NodeJS.Platform = process.platform,
): SecretStore {
  if (!safeStorage.isEncryptionAvailable()) {
    const msg =
      'the OS offers no encrypted storage: tokens are kept in memory only and must be entered again after a restart'
    warn(msg)
    return new MemorySecretStore(msg)
  }
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    const msg =
      'no keyring (gnome-libsecret / kwallet) is available, only plain-text storage: tokens are kept in memory only ' +
      'and must be entered again after a restart'
    warn(msg)
    return new MemorySecretStore(msg)
  }
  return new EncryptedFileSecretStore(join(userData, 'secrets.json'), safeStorageEncryptor(safeStorage))
}
