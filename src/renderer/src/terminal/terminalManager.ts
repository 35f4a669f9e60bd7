import type { HearthApi, PayloadOf } from '@shared/contract'
import type { TerminalInfo } from '@shared/contract/terminal'
import type { ITheme } from '@xterm/xterm'
import { ObservableValue } from '../util/observableValue'
import { hideBottomPanel } from '../workbench/bottomPanelState'
import type { FilePosition } from '../workbench/contributionTypes'
import { followTerminalTheme } from './xtermTheme'
// Loaded with the workbench, so its key listener comes before the workbench's shortcuts.
import './shellKeys'
import type { XtermSession } from './xtermSession'

export interface TerminalTab {
  id: number
  title: string
  /** The shell ended on its own with a failure: the tab stays, showing why, until closed. */
  ended?: string
}

type DataEvent = PayloadOf<'terminal.data'>

interface Session {
  info: TerminalInfo
  view: XtermSession
  /** The last `terminal.data` written; a gap (a dropped connection) triggers a replay. */
  lastSeq: number
  /** Output that arrived while a replay was on its way. */
  queue: DataEvent[] | undefined
  ended: boolean
}

const SIGHUP = 1
const SIGKILL = 9

/** Output that came before its terminal's screen existed (at most this much per terminal). */
const EARLY_CAP = 256 * 1024

/**
 * The terminals of one window: their xterm screens, their tabs, and the wiring to the core's
 * shells (input, resize, output with replay). Commands and the panel both reach it through
 * `terminalManager(api)`; it outlives the panel's React tree, so screens survive hiding the panel
 * and a page reload reattaches to the shells the core still runs.
 */
export class TerminalManager {
  readonly tabs = new ObservableValue<readonly TerminalTab[]>([])
  readonly activeId = new ObservableValue<number | undefined>(undefined)
  /** A sentence for the user (the terminal limit, a shell that would not start). */
  readonly message = new ObservableValue<string | undefined>(undefined)
  private readonly sessions = new Map<number, Session>()
  private readonly early = new Map<number, DataEvent[]>()
  private host: HTMLElement | undefined
  private openFile: ((path: string, at: FilePosition) => void) | undefined
  private theme: ITheme | undefined
  private attached: Promise<void> | undefined
  private creating: Promise<void> | undefined
  private ensuring: Promise<void> | undefined
  /** Keys typed after Ctrl+` but before the screen was there: sent to the new shell. */
  private typeahead = ''
  /** A command asked for the keyboard to go to the shell being started. */
  private wantFocus = false

  constructor(private readonly api: HearthApi) {
    api.on('terminal.data', (p) => this.onData(p))
    api.on('terminal.exit', (p) => this.onExit(p.id, p.code, p.signal))
    followTerminalTheme((theme) => {
      this.theme = theme
      for (const s of this.sessions.values()) s.view.setTheme(theme)
    })
  }

  /** The panel's element for the screens; returns the unmount. */
  mount(host: HTMLElement): () => void {
    this.host = host
    for (const s of this.sessions.values()) host.appendChild(s.view.element)
    this.showActive()
    return () => {
      if (this.host === host) this.host = undefined
    }
  }

  setOpenFile(openFile: (path: string, at: FilePosition) => void): void {
    this.openFile = openFile
  }

  /** Once per window: the shells the core already runs (a reload, another tab's) get screens. */
  attach(): Promise<void> {
    this.attached ??= this.api
      .call('terminal.list', {})
      .then(async (list) => {
        for (const info of list) if (!this.sessions.has(info.id)) await this.add(info, true)
      })
      .catch(() => undefined)
    return this.attached
  }

  /** The panel is shown: reattach, and start a shell when there is none (as VS Code does). */
  ensureOne(focus = false): Promise<void> {
    // The panel's effect and the command that showed it both ask: one shell, not two, and it
    // takes the keyboard if either asked for it.
    if (focus) this.wantFocus = true
    this.ensuring ??= (async () => {
      await this.attach()
      if (this.sessions.size === 0) await this.create(focus)
      else this.showActive()
    })().finally(() => (this.ensuring = undefined))
    return this.ensuring
  }

  /** A new shell; `focus`: the user asked for it, so the keyboard goes to it. */
  async create(focus = true): Promise<void> {
    // One at a time: a double press of Ctrl+Shift+` makes two, in order.
    const previous = this.creating ?? Promise.resolve()
    const next = previous.then(() => this.createNow(focus))
    this.creating = next
    void next.finally(() => {
      if (this.creating === next) this.creating = undefined
    })
    return next
  }

  private async createNow(focus: boolean): Promise<void> {
    const size = this.activeSession()?.view.size ?? { cols: 80, rows: 24 }
    // Keys typed from now on are for the new shell, not the one shown.
    if (focus || this.wantFocus) this.host?.focus()
    try {
      const info = await this.api.call('terminal.create', size)
      this.message.set(undefined)
      await this.add(info, false)
      this.setActive(info.id)
      // Only if the keyboard is still waiting on the panel: a shell that took its time must not
      // pull the focus out of the editor the user went back to.
      const take = focus || this.wantFocus
      this.wantFocus = false
      if (take && this.keyboardInPanel()) this.sessions.get(info.id)?.view.focus()
      if (this.typeahead) this.input(info.id, this.typeahead)
    } catch (err) {
      this.message.set(err instanceof Error ? err.message : String(err))
    } finally {
      this.typeahead = ''
    }
  }

  /**
   * A key pressed on the panel itself, before a screen took the focus (just after Ctrl+`): kept
   * for the shell about to start, so the first keystrokes are not lost. Returns whether it was kept.
   */
  keepTypeahead(e: { key: string; ctrlKey: boolean; altKey: boolean; metaKey: boolean }): boolean {
    if ((!this.creating && !this.ensuring) || e.ctrlKey || e.altKey || e.metaKey) return false
    const named: Record<string, string> = { Enter: '\r', Backspace: '\x7f', Tab: '\t' }
    const data = e.key.length === 1 ? e.key : named[e.key]
    if (data === undefined || this.typeahead.length > 4096) return false
    this.typeahead += data
    return true
  }

  setActive(id: number): void {
    if (!this.sessions.has(id)) return
    this.activeId.set(id)
    this.showActive()
  }

  /** Ends a terminal's shell (and its jobs) and closes its tab. */
  kill(id = this.activeId.get()): void {
    if (id === undefined) return
    const s = this.sessions.get(id)
    if (s && !s.ended) void this.api.call('terminal.kill', { id }).catch(() => undefined)
    this.remove(id)
  }

  /** The shown screen, or the panel while its screen is on its way (keys wait for it there). */
  focus(): void {
    const s = this.activeSession()
    if (s && !this.creating) {
      s.view.layout()
      s.view.focus()
    } else if (this.host?.offsetParent) this.host.focus()
  }

  private keyboardInPanel(): boolean {
    const el = document.activeElement
    return !el || el === document.body || (!!this.host && this.host.contains(el))
  }

  hasFocus(): boolean {
    return this.activeSession()?.view.hasFocus() ?? false
  }

  /** Fits the shown screen to the panel (after a resize, or when the panel appears). */
  layout(): void {
    this.activeSession()?.view.layout()
  }

  private activeSession(): Session | undefined {
    const id = this.activeId.get()
    return id === undefined ? undefined : this.sessions.get(id)
  }

  private showActive(): void {
    const active = this.activeId.get()
    for (const [id, s] of this.sessions) s.view.element.hidden = id !== active
    this.layout()
  }

  private async add(info: TerminalInfo, replay: boolean): Promise<void> {
    const { XtermSession } = await import('./xtermSession')
    if (this.sessions.has(info.id)) return
    const id = info.id
    const view = new XtermSession({
      cwd: info.cwd,
      theme: this.theme!,
      onInput: (data) => this.input(id, data),
      onResize: (cols, rows) =>
        void this.api.call('terminal.resize', { id, cols, rows }).catch(() => this.lost(id)),
      openFile: (path, at) => this.openFile?.(path, at),
    })
    const s: Session = { info, view, lastSeq: 0, queue: replay ? [] : undefined, ended: false }
    this.sessions.set(id, s)
    this.host?.appendChild(view.element)
    view.element.hidden = true
    this.tabs.set([...this.tabs.get(), { id, title: info.title }])
    if (this.activeId.get() === undefined) this.setActive(id)
    for (const e of this.early.get(id) ?? []) this.onData(e)
    this.early.delete(id)
    if (replay) await this.replay(s)
  }

  private input(id: number, data: string): void {
    const s = this.sessions.get(id)
    if (!s) return
    // "Press any key to close", as VS Code says under a shell that failed.
    if (s.ended) return this.remove(id)
    void this.api.call('terminal.input', { id, data }).catch(() => this.lost(id))
  }

  private onData(e: DataEvent): void {
    const s = this.sessions.get(e.id)
    if (!s) {
      const list = this.early.get(e.id) ?? []
      if (list.reduce((n, x) => n + x.data.length, 0) < EARLY_CAP) list.push(e)
      this.early.set(e.id, list)
      return
    }
    if (s.queue) return void s.queue.push(e)
    if (e.seq <= s.lastSeq) return
    if (e.seq !== s.lastSeq + 1 && s.lastSeq !== 0) {
      // Output went missing (the connection dropped): redraw from the core's scrollback.
      s.queue = [e]
      void this.replay(s)
      return
    }
    s.lastSeq = e.seq
    s.view.write(e.data)
  }

  private async replay(s: Session): Promise<void> {
    try {
      const r = await this.api.call('terminal.replay', { id: s.info.id })
      s.view.reset()
      s.view.write(r.data)
      s.lastSeq = r.seq
    } catch {
      this.lost(s.info.id)
    }
    const queued = s.queue ?? []
    s.queue = undefined
    for (const e of queued) this.onData(e)
  }

  private onExit(id: number, code: number | null, signal: number | null): void {
    const s = this.sessions.get(id)
    if (!s || s.ended) return
    // `exit`, or a hang-up / kill from outside (the folder closed, `kill` in another shell): gone.
    if ((code === 0 && !signal) || signal === SIGHUP || signal === SIGKILL) return this.remove(id)
    const why = signal ? `ended by signal ${signal}` : `exited with code ${code ?? '?'}`
    this.markEnded(s, `The shell ${why}.`)
  }

  /** The core no longer knows the terminal (it ended while we were away). */
  private lost(id: number): void {
    const s = this.sessions.get(id)
    if (s && !s.ended) this.markEnded(s, 'The shell has ended.')
  }

  private markEnded(s: Session, why: string): void {
    s.ended = true
    // Dim, and the cursor hidden: nothing is listening any more.
    s.view.write(`\r\n\x1b[2m${why} Press any key to close this terminal.\x1b[0m\r\n\x1b[?25l`)
    this.tabs.set(this.tabs.get().map((t) => (t.id === s.info.id ? { ...t, ended: why } : t)))
  }

  private remove(id: number): void {
    const s = this.sessions.get(id)
    if (!s) return
    const wasFocused = s.view.hasFocus()
    s.view.dispose()
    this.sessions.delete(id)
    const tabs = this.tabs.get()
    const i = tabs.findIndex((t) => t.id === id)
    const rest = tabs.filter((t) => t.id !== id)
    this.tabs.set(rest)
    if (this.activeId.get() === id) {
      const next = rest[Math.min(i, rest.length - 1)]
      this.activeId.set(next?.id)
      this.showActive()
      if (wasFocused) this.focus()
    }
    // The last terminal closed: the panel goes too (VS Code does the same).
    if (rest.length === 0) hideBottomPanel()
  }
}

const managers = new WeakMap<HearthApi, TerminalManager>()

/** The window's terminals (one manager per connection to the core). */
export function terminalManager(api: HearthApi): TerminalManager {
  let m = managers.get(api)
  if (!m) {
    m = new TerminalManager(api)
    managers.set(api, m)
  }
  return m
}
