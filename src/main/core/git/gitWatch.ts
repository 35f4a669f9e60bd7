import { watch, type FSWatcher } from 'node:fs'

/**
 * Files of a repository's `.git` folder whose change means the status changed: the index (a
 * stage, a commit, a switch made in a terminal), HEAD (a switch), what a commit or merge leaves.
 * The folder is watched alone, not recursively: one watch, however big the repository.
 */
const MEANINGFUL = new Set(['HEAD', 'index', 'COMMIT_EDITMSG', 'ORIG_HEAD', 'MERGE_HEAD', 'packed-refs'])

/** Calls `onChange` when one of those files is replaced; returns the stop function. */
export function watchGitDir(gitDir: string, onChange: () => void): () => void {
  let w: FSWatcher | null = null
  try {
    w = watch(gitDir, { persistent: false }, (_event, name) => {
      if (name === null || MEANINGFUL.has(String(name))) onChange()
    })
    // A watch that fails later (folder removed) only loses this source; focus refreshes remain.
    w.on('error', () => w?.close())
  } catch {
    return () => undefined // no inotify watch left: refreshes still follow file changes and actions
  }
  return () => w?.close()
}

/**
 * Debounce with a ceiling: each poke waits for `quietMs` of calm, but a stream of pokes (a branch
 * switch touching thousands of files) still runs the refresh every `maxWaitMs`.
 */
export class RefreshScheduler {
  private timer: NodeJS.Timeout | null = null
  private firstPoke = 0

  constructor(
    private readonly run: () => void,
    private readonly quietMs: number,
    private readonly maxWaitMs: number,
  ) {}

  poke(): void {
    const now = Date.now()
    if (this.timer === null) this.firstPoke = now
    else clearTimeout(this.timer)
    const wait = Math.max(0, Math.min(this.quietMs, this.firstPoke + this.maxWaitMs - now))
    this.timer = setTimeout(() => {
      this.timer = null
      this.run()
    }, wait)
    this.timer.unref()
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
