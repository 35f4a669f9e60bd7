/**
 * Where tokens live. Never the settings files, never the index, never the renderer: the core reads
 * a token only at the moment it builds an Authorization header.
 */
export interface SecretStore {
  /** 'memory' forgets everything on quit; 'encrypted-file' persists through an OS-backed Encryptor. */
  readonly kind: 'memory' | 'encrypted-file'
  /** Why secrets are not persisted (e.g. the OS offers only a plain-text backend), for the UI. */
  readonly warning: string | undefined
  get(key: string): Promise<string | undefined>
  set(key: string, value: string): Promise<void>
  /** True when something was removed. */
  delete(key: string): Promise<boolean>
  keys(): Promise<string[]>
}

/**
 * Turns a secret into bytes only this user on this machine can turn back (Electron safeStorage:
 * Keychain, DPAPI, libsecret/kwallet). Implementations must throw rather than return plaintext.
 */
export interface Encryptor {
  readonly name: string
  encrypt(plain: string): Buffer | Promise<Buffer>
  decrypt(data: Buffer): string | Promise<string>
}
