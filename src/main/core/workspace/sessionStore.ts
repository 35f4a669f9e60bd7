import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  MAX_SESSION_BYTES,
  UserState,
  WorkspaceSession,
  type UserState as UserStateT,
  type WorkspaceSession as WorkspaceSessionT,
} from '@shared/contract/session'
import { HearthError } from '@shared/errors'
import { atomicWrite } from '../files/atomicWrite'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../files/dataDir'

export const EMPTY_USER_STATE: UserStateT = {
  recentCommands: [],
  completions: { off: false, pausedUntil: null },
}

/**
 * The editor window's memory between starts, in the data directory: `sessions/<hash of the folder
 * path>.json` per folder (tabs, view states, layout, recent files) and `ui-state.json` for the
 * user (recent commands, completions off or paused). Written atomically and for the user only
 * (file names in it name the user's projects); a missing or damaged file reads as nothing.
 */
export class SessionStore {
  private readonly sessionsDir: string
  /** One write at a time per file, in call order: the last save wins, never a torn mix. */
  private readonly chains = new Map<string, Promise<unknown>>()

  constructor(private readonly stateDir: string) {
    this.sessionsDir = join(stateDir, 'sessions')
  }

  fileFor(root: string): string {
    const id = createHash('sha256').update(root).digest('hex').slice(0, 16)
    return join(this.sessionsDir, `${id}.json`)
  }

  async workspace(root: string): Promise<WorkspaceSessionT | null> {
    const file = this.fileFor(root)
    await this.settled(file)
    const parsed = await readJson(file)
    // The file records its folder: a hash collision (or a copied data dir) must not mix folders.
    if (!parsed || (parsed as { root?: unknown }).root !== root) return null
    const r = WorkspaceSession.safeParse((parsed as { session?: unknown }).session)
    return r.success ? r.data : null
  }

  saveWorkspace(root: string, session: WorkspaceSessionT): Promise<void> {
    return this.write(this.fileFor(root), { version: 1, root, session }, this.sessionsDir)
  }

  async user(): Promise<UserStateT> {
    const file = join(this.stateDir, 'ui-state.json')
    await this.settled(file)
    const r = UserState.safeParse((await readJson(file))?.state)
    return r.success ? r.data : EMPTY_USER_STATE
  }

  saveUser(state: UserStateT): Promise<void> {
    return this.write(join(this.stateDir, 'ui-state.json'), { version: 1, state }, this.stateDir)
  }

  private async settled(file: string): Promise<void> {
    await this.chains.get(file)?.catch(() => undefined)
  }

  private write(file: string, value: unknown, dir: string): Promise<void> {
    const text = JSON.stringify(value)
    if (text.length > MAX_SESSION_BYTES)
      return Promise.reject(new HearthError('invalid_argument', 'the session is too large to save'))
    const next = (this.chains.get(file) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        await ensurePrivateDir(this.stateDir)
        if (dir !== this.stateDir) await ensurePrivateDir(dir)
        await atomicWrite(file, Buffer.from(text + '\n'), { mode: PRIVATE_FILE_MODE })
      })
    this.chains.set(file, next)
    void next
      .finally(() => {
        if (this.chains.get(file) === next) this.chains.delete(file)
      })
      .catch(() => undefined)
    return next
  }
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null
  } catch {
    return null
  }
}
