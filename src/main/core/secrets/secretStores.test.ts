import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AesGcmEncryptor } from './aesGcmEncryptor'
import { EncryptedFileSecretStore } from './encryptedFileSecretStore'
import { MemorySecretStore } from './memorySecretStore'
import { TokenStore, tokensFromEnv } from './tokenStore'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-secrets-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const TOKEN = 'hf_Tok3n-THAT-must-never-leak'

describe('EncryptedFileSecretStore', () => {
  it('persists encrypted values (never the plaintext) in a 0600 file', async () => {
    const key = randomBytes(32)
    const file = join(dir, 'data', 'secrets.json')
    const a = new EncryptedFileSecretStore(file, new AesGcmEncryptor(key))
    await a.set('k', TOKEN)
    if (process.platform !== 'win32') expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700)
    const bytes = await readFile(file)
    expect(bytes.includes(Buffer.from(TOKEN))).toBe(false)
    expect(bytes.includes(Buffer.from(TOKEN.slice(3, 15)))).toBe(false)
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600)
    const b = new EncryptedFileSecretStore(file, new AesGcmEncryptor(key))
    expect(await b.get('k')).toBe(TOKEN)
    expect(await b.delete('k')).toBe(true)
    expect(await new EncryptedFileSecretStore(file, new AesGcmEncryptor(key)).get('k')).toBeUndefined()
  })

  it('reads an entry it cannot decrypt as absent, with a warning', async () => {
    const file = join(dir, 'secrets.json')
    await new EncryptedFileSecretStore(file, new AesGcmEncryptor(randomBytes(32))).set('k', TOKEN)
    const other = new EncryptedFileSecretStore(file, new AesGcmEncryptor(randomBytes(32)))
    expect(await other.get('k')).toBeUndefined()
    expect(other.warning).toMatch(/could not be decrypted/)
  })

  it('survives a corrupt file', async () => {
    const file = join(dir, 'secrets.json')
    await writeFile(file, '{not json')
    const s = new EncryptedFileSecretStore(file, new AesGcmEncryptor(randomBytes(32)))
    expect(await s.get('k')).toBeUndefined()
    expect(s.warning).toMatch(/unreadable/)
    await s.set('k', 'v')
    expect(await s.get('k')).toBe('v')
  })
})

describe('TokenStore', () => {
  it('binds a token to the origin it was entered for', async () => {
    const t = new TokenStore(new MemorySecretStore())
    await t.set('triton', 'https://dgx.lan:8000/v2', TOKEN)
    expect(t.hasToken('triton')).toBe(true)
    expect(t.lookup('triton', 'https://dgx.lan:8000')).toEqual({ status: 'ok', token: TOKEN })
    expect(t.lookup('triton', 'https://evil.example:8000')).toEqual({
      status: 'other_origin',
      savedFor: 'https://dgx.lan:8000',
    })
    expect(t.lookup('ollama', 'http://127.0.0.1:11434')).toEqual({ status: 'none' })
  })

  it('refuses control characters (header injection) and redacts known tokens', async () => {
    const t = new TokenStore(new MemorySecretStore())
    await expect(t.set('a', undefined, 'abc\r\nX-Evil: 1')).rejects.toThrow(/control characters/)
    await t.set('a', undefined, TOKEN)
    expect(t.redact(`Authorization: Bearer ${TOKEN}!`)).toBe('Authorization: Bearer ‹redacted›!')
    expect(() => t.assertNoSecret(`{"x":"${TOKEN}"}`, 'settings.json')).toThrow(/refusing to write a token/)
  })

  it('loads what a persistent store holds, and reads env tokens', async () => {
    const file = join(dir, 'secrets.json')
    const key = randomBytes(32)
    await new TokenStore(new EncryptedFileSecretStore(file, new AesGcmEncryptor(key))).set(
      'openai',
      'http://h:1',
      TOKEN,
    )
    const reopened = new TokenStore(new EncryptedFileSecretStore(file, new AesGcmEncryptor(key)))
    await reopened.init()
    expect(reopened.lookup('openai', 'http://h:1')).toEqual({ status: 'ok', token: TOKEN })
    const env = new TokenStore(
      new MemorySecretStore(undefined, tokensFromEnv({ HEARTH_TOKEN_MY_DGX: 'x123' }, ['my-dgx'])),
    )
    await env.init()
    expect(env.lookup('my-dgx', 'https://anywhere')).toEqual({ status: 'ok', token: 'x123' })
  })
})
