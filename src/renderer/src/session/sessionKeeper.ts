import type { WorkspaceSession } from '@shared/contract/session'
import { pushRecent } from './userState'

export const EMPTY_SESSION: WorkspaceSession = {
  tabs: [],
  active: null,
  viewStates: {},
  layout: {},
  recentFiles: [],
}

const MAX_RECENT_FILES = 100

/**
 * One folder's session while its workbench is open: what changes is folded in and saved a moment
 * later (one write for a burst of cursor moves), or at once on `flush` (the page is going away).
 * Nothing is saved before the saved session was loaded: an empty start must not overwrite it.
 */
export class SessionKeeper {
  private state: WorkspaceSession = EMPTY_SESSION
  private loaded = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private dirty = false
  /** View states from the last session, each handed to the editor once, when its file first shows. */
  private readonly restore = new Map<string, unknown>()

  constructor(
    private readonly save: (s: WorkspaceSession) => void,
    private readonly delayMs = 400,
  ) {}

  get(): WorkspaceSession {
    return this.state
  }

  isLoaded(): boolean {
    return this.loaded
  }

  load(saved: WorkspaceSession | null): void {
    // Whatever happened before the load (a file opened at once) stays; the saved rest comes back.
    const s = saved ?? EMPTY_SESSION
    this.state = {
      ...s,
      recentFiles: [...new Set([...this.state.recentFiles, ...s.recentFiles])].slice(0, MAX_RECENT_FILES),
    }
    for (const [path, vs] of Object.entries(s.viewStates)) if (vs) this.restore.set(path, vs)
    this.loaded = true
  }

  update(patch: Partial<WorkspaceSession>): void {
    this.state = { ...this.state, ...patch }
    this.schedule()
  }

  /** Open tabs changed: view states of closed tabs go, the active file tops the recent list. */
  setTabs(tabs: readonly string[], active: string | undefined, noteRecent = true): void {
    const open = new Set(tabs)
    const viewStates = Object.fromEntries(Object.entries(this.state.viewStates).filter(([p]) => open.has(p)))
    const recentFiles =
      noteRecent && active && active !== this.state.recentFiles[0]
        ? pushRecent(this.state.recentFiles, active, MAX_RECENT_FILES)
        : this.state.recentFiles
    this.update({ tabs: [...tabs], active: active ?? null, viewStates, recentFiles })
  }

  setViewState(path: string, viewState: unknown): void {
    if (!this.state.tabs.includes(path)) return
    this.update({ viewStates: { ...this.state.viewStates, [path]: viewState } })
  }

  takeRestore(path: string): unknown {
    const vs = this.restore.get(path)
    this.restore.delete(path)
    return vs
  }

  flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (!this.dirty || !this.loaded) return
    this.dirty = false
    this.save(this.state)
  }

  dispose(): void {
    this.flush()
  }

  private schedule(): void {
    this.dirty = true
    if (!this.loaded || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush()
    }, this.delayMs)
  }
}

let current: SessionKeeper | undefined

/** The open workbench's session (the editor contribution records view states into it). */
export function currentSession(): SessionKeeper | undefined {
  return current
}

export function setCurrentSession(keeper: SessionKeeper | undefined): void {
  current = keeper
}
