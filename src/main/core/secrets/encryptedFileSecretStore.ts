import { readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { atomicWrite } from '../files/atomicWrite'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../files/dataDir'
import type { Encryptor, SecretStore } from './secretStore'

interface FileFormat {
  version: 1
  /** Which Encryptor wrote the entries (a different one cannot read them). */
  encryptor: string
  /** key → base64 ciphertext. Key names are not secret ("token:triton"); values are. */
  entries: Record<string, string>
}

/**
 * Secrets persisted in one file, each value encrypted by the Encryptor (Electron safeStorage in
 * the app). Written atomically with mode 0600. An entry that no longer decrypts (OS keyring
 * reset, file copied from another machine) reads as absent rather than failing everything.
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly kind = 'encrypted-file'
  private entries: Map<string, string> | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private unreadable: string | undefined

  constructor(
    private readonly file: string,
    private readonly encryptor: Encryptor,
  ) {}

  get warning(): string | undefined {
    return this.unreadable
  }

  async get(key: string): Promise<string | undefined> {
    const entries = await this.load()
    const b64 = entries.get(key)
    if (b64 === undefined) return undefined
    try {
      return await this.encryptor.decrypt(Buffer.from(b64, 'base64'))
    } catch {
      this.unreadable = `a stored secret could not be decrypted with ${this.encryptor.name}; enter it again`
      return undefined
    }
  }

  set(key: string, value: string): Promise<void> {
    return this.serial(async () => {
      const entries = await this.load()
      const cipher = await this.encryptor.encrypt(value)
      entries.set(key, Buffer.from(cipher).toString('base64'))
      await this.save(entries)
    })
  }

  delete(key: string): Promise<boolean> {
    return this.serial(async () => {
      const entries = await this.load()
      const had = entries.delete(key)
      if (had) await this.save(entries)
      return had
    })
  }

  async keys(): Promise<string[]> {
    return [...(await this.load()).keys()]
  }

  private async load(): Promise<Map<string, string>> {
    if (this.entries) return this.entries
    let parsed: Partial<FileFormat> = {}
    try {
      parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<FileFormat>
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.unreadable = `the secrets file ${this.file} is unreadable (${(err as Error).message}); tokens must be entered again`
      }
    }
    const entries = new Map<string, string>()
    if (parsed.version === 1 && parsed.encryptor === this.encryptor.name && parsed.entries) {
      for (const [k, v] of Object.entries(parsed.entries)) if (typeof v === 'string') entries.set(k, v)
    } else if (parsed.encryptor !== undefined && parsed.encryptor !== this.encryptor.name) {
      this.unreadable = `stored secrets were written by ${parsed.encryptor}, not ${this.encryptor.name}; enter them again`
    }
    this.entries = entries
    return entries
  }

  private async save(entries: Map<string, string>): Promise<void> {
    const body: FileFormat = {
      version: 1,
      encryptor: this.encryptor.name,
      entries: Object.fromEntries(entries),
    }
    await ensurePrivateDir(dirname(this.file))
    // 0600 from the temp file's creation on: a chmod after the rename left a moment where the
    // new file was readable by others.
    await atomicWrite(this.file, Buffer.from(`${JSON.stringify(body, null, 2)}\n`, 'utf8'), {
      mode: PRIVATE_FILE_MODE,
    })
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }
}
