import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { Encryptor } from './secretStore'

/**
 * AES-256-GCM with a caller-held key. Real encryption, but only as safe as wherever the key is
 * kept — which is why the desktop app uses the OS keyring (safeStorage) instead. Used by tests and
 * by hosts that already hold a key (e.g. one from the environment).
 * Layout: 12-byte IV ‖ 16-byte tag ‖ ciphertext.
 */
export class AesGcmEncryptor implements Encryptor {
  readonly name = 'aes-256-gcm'

  constructor(private readonly key: Buffer) {
    if (key.byteLength !== 32) throw new Error('AesGcmEncryptor needs a 32-byte key')
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(12)
    const c = createCipheriv('aes-256-gcm', this.key, iv)
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
    return Buffer.concat([iv, c.getAuthTag(), body])
  }

  decrypt(data: Buffer): string {
    if (data.byteLength < 28) throw new Error('ciphertext too short')
    const d = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12))
    d.setAuthTag(data.subarray(12, 28))
    return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8')
  }
}
