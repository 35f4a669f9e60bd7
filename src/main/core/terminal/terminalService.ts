import { accessSync, constants } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute } from 'node:path'
import type { TerminalInfo } from '@shared/contract/terminal'
import { HearthError } from '@shared/errors'
import type { EventBus } from '../base/eventBus'
import type { Disposable } from '../base/lifecycle'
import { spawnNodePty, type Pty, type SpawnPty } from './pty'
import { signalSession } from './processTree'
import { terminalEnv, userShell, type ShellCommand } from './shell'
import { TerminalOutput, type TerminalOutputOptions } from './terminalOutput'

export const DEFAULT_MAX_TERMINALS = 10
/** After SIGHUP, what has not ended by then gets SIGKILL. */
const KILL_GRACE_MS = 1000

export interface TerminalServiceOptions {
  events: EventBus
  /** The open folder, where a new shell starts (the home folder when none is open). */
  cwd: () => string | null
  env?: NodeJS.ProcessEnv
  shell?: () => ShellCommand
  spawn?: SpawnPty
  maxTerminals?: number
  /** Pacing and scrollback (tests make them small). */
  output?: Partial<Omit<TerminalOutputOptions, 'emit' | 'pause' | 'resume'>>
}

interface Running {
  info: TerminalInfo
  pty: Pty
  output: TerminalOutput
  /** Resolves when the shell has exited and its exit event went out. */
  exited: Promise<void>
  killing: boolean
}

/**
 * The integrated terminal's shells: one pseudo-terminal each, started in the open folder with
 * the user's shell and environment (less Hearth's own secrets). Output goes out as `terminal.data`
 * events (see TerminalOutput for pacing); a terminal is ended with its whole session — the jobs the
 * shell started, not only the shell — when the user closes it, when the folder changes, when the
 * core is disposed and, as a last resort, when this process exits.
 */
export class TerminalService implements Disposable {
  private readonly running = new Map<number, Running>()
  private nextId = 1
  /** Shells being spawned (they count against the limit before they exist). */
  private starting = 0
  /** Bumped by killAll: a shell whose spawn started before it is ended as soon as it exists. */
  private generation = 0
  private disposed = false
  private readonly max: number
  private readonly spawn: SpawnPty
  private exitHook: (() => void) | undefined
  /**
   * Sessions being ended (by shell pid) and their SIGKILL timers: they outlive their terminal's
   * exit, since what ignores SIGHUP (`nohup`) is still running when the shell is gone.
   */
  private readonly doomed = new Map<number, NodeJS.Timeout>()

  constructor(private readonly opts: TerminalServiceOptions) {
    this.max = opts.maxTerminals ?? DEFAULT_MAX_TERMINALS
    this.spawn = opts.spawn ?? spawnNodePty
  }

  async create(size: { cols: number; rows: number }): Promise<TerminalInfo> {
    if (this.disposed) throw new HearthError('unavailable', 'Hearth is shutting down.')
    if (this.running.size + this.starting >= this.max)
      throw new HearthError('busy', `At most ${this.max} terminals can be open. Close one to open another.`)
    const shell = (this.opts.shell ?? (() => userShell(this.opts.env)))()
    const cwd = this.opts.cwd() ?? homedir()
    const generation = this.generation
    this.starting += 1
    let pty: Pty
    try {
      // node-pty forks before it execs: a missing shell would show up only as a dead terminal.
      if (process.platform !== 'win32' && isAbsolute(shell.file)) accessSync(shell.file, constants.X_OK)
      pty = await this.spawn(shell.file, shell.args, {
        cols: size.cols,
        rows: size.rows,
        cwd,
        env: terminalEnv(this.opts.env),
      })
    } catch (err) {
      throw new HearthError(
        'unavailable',
        `Could not start the shell ${shell.file} (${errorText(err)}). Set SHELL to a shell that exists.`,
      )
    } finally {
      this.starting -= 1
    }
    const id = this.nextId++
    const info: TerminalInfo = { id, title: shell.title, pid: pty.pid, cwd, ...size }
    const output = new TerminalOutput({
      ...this.opts.output,
      emit: (seq, data) => this.opts.events.emit('terminal.data', { id, seq, data }),
      pause: () => pty.pause(),
      resume: () => pty.resume(),
    })
    let exitedResolve!: () => void
    const run: Running = {
      info,
      pty,
      output,
      exited: new Promise<void>((r) => (exitedResolve = r)),
      killing: false,
    }
    pty.onData((d) => output.push(d))
    pty.onExit(({ exitCode, signal }) => {
      output.drain()
      output.close()
      this.running.delete(id)
      // Jobs it left in the background get the hangup a closed terminal window gives them
      // (`nohup` ones ignore it, as they would there).
      if (process.platform !== 'win32') signalSession(info.pid, 'SIGHUP')
      this.opts.events.emit('terminal.exit', { id, code: exitCode, signal: signal ? signal : null })
      exitedResolve()
    })
    this.running.set(id, run)
    this.hookProcessExit()
    if (this.disposed || generation !== this.generation) void this.kill(id)
    return info
  }

  input(id: number, data: string): void {
    this.get(id).pty.write(data)
  }

  resize(id: number, cols: number, rows: number): void {
    const run = this.get(id)
    if (run.info.cols === cols && run.info.rows === rows) return
    run.pty.resize(cols, rows)
    run.info = { ...run.info, cols, rows }
  }

  list(): TerminalInfo[] {
    return [...this.running.values()].map((r) => r.info)
  }

  replay(id: number): { data: string; seq: number } {
    return this.get(id).output.replay()
  }

  /**
   * Ends the shell and its session: SIGHUP first (what closing a terminal window sends; shells
   * pass it on to their jobs), SIGKILL a second later to whatever is left. The exit event follows.
   */
  kill(id: number): Promise<void> {
    const run = this.running.get(id)
    if (!run) return Promise.resolve()
    if (run.killing) return run.exited
    run.killing = true
    // Output is dropped from here; a paused pty would hold back the exit.
    run.output.close()
    if (process.platform === 'win32') {
      run.pty.kill()
      return run.exited
    }
    const leader = run.info.pid
    signalSession(leader, 'SIGHUP')
    const timer = setTimeout(() => {
      this.doomed.delete(leader)
      signalSession(leader, 'SIGKILL')
    }, KILL_GRACE_MS)
    timer.unref()
    this.doomed.set(leader, timer)
    return run.exited
  }

  /** Every terminal (the folder is closing). Resolves once all have exited. */
  async killAll(): Promise<void> {
    this.generation += 1
    await Promise.all([...this.running.keys()].map((id) => this.kill(id)))
  }

  async dispose(): Promise<void> {
    this.disposed = true
    const all = this.killAll()
    const grace = new Promise<void>((r) => setTimeout(r, KILL_GRACE_MS + 500).unref())
    await Promise.race([all, grace])
    this.killNow()
    this.unhookProcessExit()
  }

  private get(id: number): Running {
    const run = this.running.get(id)
    if (!run) throw new HearthError('not_found', 'That terminal has ended. Open a new one.')
    return run
  }

  /** Synchronous SIGKILL of every session: the last resort, also from a process `exit` handler. */
  private killNow(): void {
    for (const run of this.running.values()) {
      if (process.platform === 'win32') run.pty.kill()
      else signalSession(run.info.pid, 'SIGKILL')
    }
    for (const [leader, timer] of this.doomed) {
      clearTimeout(timer)
      signalSession(leader, 'SIGKILL')
    }
    this.doomed.clear()
  }

  /** If the process exits without disposing the core (an uncaught error), shells still end. */
  private hookProcessExit(): void {
    if (this.exitHook) return
    this.exitHook = () => this.killNow()
    process.on('exit', this.exitHook)
  }

  private unhookProcessExit(): void {
    if (this.exitHook) process.off('exit', this.exitHook)
    this.exitHook = undefined
  }
}

function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return 'not found'
  if (code === 'EACCES') return 'not executable'
  return err instanceof Error ? err.message : String(err)
}
