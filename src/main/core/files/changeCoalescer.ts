import type { FileChangeEvent } from './watchTypes'

export type ChangeKind = FileChangeEvent['kind']

/**
 * Folds raw file events into one batch per quiet window: per path the last kind wins, except that a
 * delete followed by a create (an atomic save, `git checkout`) is one 'changed' and a create followed
 * by edits stays 'created'. The batch is bounded: at `maxBatch` paths it is flushed at once, so a
 * mass change (branch switch, `rm -rf`) streams out in slices instead of growing without limit.
 */
export class ChangeCoalescer {
  private pending = new Map<string, ChangeKind>()
  /** Folders whose listing changed (an entry appeared or vanished), for the explorer. */
  private dirs = new Set<string>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly flushTo: (batch: FileChangeEvent[], dirs: string[]) => void,
    private readonly windowMs = 100,
    private readonly maxBatch = 10_000,
  ) {}

  push(path: string, kind: ChangeKind): void {
    if (kind !== 'changed') this.dirs.add(parentOf(path))
    const prev = this.pending.get(path)
    let next: ChangeKind = kind
    if (prev === 'deleted' && kind === 'created') next = 'changed'
    else if (prev === 'created' && kind === 'changed') next = 'created'
    // Re-insert so the batch keeps the order of the latest event per path.
    this.pending.delete(path)
    this.pending.set(path, next)
    if (this.pending.size >= this.maxBatch) {
      this.flush()
      return
    }
    // The window starts at the first event and is not extended by later ones: under a steady stream
    // of events a sliding debounce would never fire.
    this.arm()
  }

  /** A folder appeared or vanished: its parent's listing changed (no file event for it). */
  pushDir(path: string): void {
    this.dirs.add(parentOf(path))
    this.arm()
  }

  private arm(): void {
    this.timer ??= setTimeout(() => this.flush(), this.windowMs)
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.size === 0 && this.dirs.size === 0) return
    const batch = [...this.pending].map(([path, kind]) => ({ path, kind }))
    const dirs = [...this.dirs]
    this.pending = new Map()
    this.dirs = new Set()
    this.flushTo(batch, dirs)
  }

  /** Drops what is pending (on dispose: nobody is listening any more). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pending.clear()
    this.dirs.clear()
  }

  get size(): number {
    return this.pending.size
  }
}

const parentOf = (path: string): string => {
  const i = path.lastIndexOf('/')
  return i === -1 ? '' : path.slice(0, i)
}
