import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { atomicWrite } from '../files/atomicWrite'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../files/dataDir'

export const MAX_RECENT = 10

/**
 * Recently opened folders, most recent first, persisted as JSON in the state directory so the
 * Electron app and `hearth serve` share one list. A missing or corrupt file is an empty list, never
 * an error: this is a convenience, not data the user wrote.
 */
export class RecentFolders {
  private readonly file: string
  /** Serialises read-modify-write so two quick opens cannot drop each other's entry. */
  private chain: Promise<unknown> = Promise.resolve()

  constructor(private readonly stateDir: string) {
    this.file = join(stateDir, 'recent-folders.json')
  }

  async list(): Promise<string[]> {
    await this.chain.catch(() => undefined)
    return this.load()
  }

  add(folder: string): Promise<void> {
    return this.update((list) => [folder, ...list.filter((f) => f !== folder)])
  }

  remove(folder: string): Promise<void> {
    return this.update((list) => list.filter((f) => f !== folder))
  }

  private update(fn: (list: string[]) => string[]): Promise<void> {
    const next = this.chain
      .catch(() => undefined)
      .then(async () => {
        const list = fn(await this.load()).slice(0, MAX_RECENT)
        // The list names the user's projects: for the user only, like the rest of the data dir.
        await ensurePrivateDir(this.stateDir)
        await atomicWrite(
          this.file,
          Buffer.from(JSON.stringify({ version: 1, folders: list }, null, 2) + '\n'),
          { mode: PRIVATE_FILE_MODE },
        )
      })
    this.chain = next
    return next
  }

  private async load(): Promise<string[]> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'))
      const folders = (parsed as { folders?: unknown } | null)?.folders
      if (!Array.isArray(folders)) return []
      return folders.filter((f): f is string => typeof f === 'string' && f.length > 0).slice(0, MAX_RECENT)
    } catch {
      return []
    }
  }
}
