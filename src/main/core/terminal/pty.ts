/** The part of a pseudo-terminal the service uses (node-pty's IPty, narrowed). */
export interface Pty {
  readonly pid: number
  onData(listener: (data: string) => void): void
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): void
  write(data: string): void
  resize(cols: number, rows: number): void
  pause(): void
  resume(): void
  /** Unix: a signal to the shell alone; Windows: closes the console and its processes. */
  kill(signal?: string): void
}

export interface PtySpawnOptions {
  cols: number
  rows: number
  cwd: string
  env: Record<string, string>
}

export type SpawnPty = (file: string, args: string[], options: PtySpawnOptions) => Promise<Pty>

/**
 * The real one: `@lydell/node-pty` (node-pty with prebuilt binaries for each platform, so no
 * compiler at install). Loaded at the first terminal, so the CLI never pays for it.
 */
export const spawnNodePty: SpawnPty = async (file, args, options) => {
  const pty = await import('@lydell/node-pty')
  const p = pty.spawn(file, args, {
    name: 'xterm-256color',
    cols: options.cols,
    rows: options.rows,
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
  })
  return {
    pid: p.pid,
    onData: (l) => void p.onData(l),
    onExit: (l) => void p.onExit(l),
    write: (d) => p.write(d),
    resize: (c, r) => p.resize(c, r),
    pause: () => p.pause(),
    resume: () => p.resume(),
    kill: (s) => p.kill(s),
  }
}
