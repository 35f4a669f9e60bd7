import type { Dirent } from 'node:fs'
import { readdir } from 'node:fs/promises'
import type { IgnoreRules } from '../files/ignoreRules'
import type { PathGuard } from '../files/pathGuard'
import type { ChangeSource, FileChangeEvent, WatcherState } from '../files/watchTypes'

/**
 * The watcher's changes plus the ones the workspace makes itself (create, rename, delete from the
 * explorer). Those are known the moment they are done, so consumers (the index) get them at once
 * instead of after chokidar's atomic hold and the coalescing window; the watcher reports the same
 * changes again a little later, and applying a change twice is harmless (same bytes, same hash).
 */
export class DirectChanges implements ChangeSource {
  private readonly listeners = new Set<(batch: FileChangeEvent[]) => void>()

  constructor(private readonly watcher: ChangeSource) {}

  get state(): WatcherState {
    return this.watcher.state
  }

  onChanges(listener: (batch: FileChangeEvent[]) => void): () => void {
    this.listeners.add(listener)
    const off = this.watcher.onChanges(listener)
    return () => {
      this.listeners.delete(listener)
      off()
    }
  }

  onState(listener: (state: WatcherState) => void): () => void {
    return this.watcher.onState(listener)
  }

  push(batch: FileChangeEvent[]): void {
    if (batch.length === 0) return
    for (const l of [...this.listeners]) {
      try {
        l(batch)
      } catch {
        // One consumer's failure must not fail the user's rename.
      }
    }
  }
}

/** Beyond this many files a moved folder is announced as a folder (the index then rescans). */
const MAX_LISTED = 20_000

/**
 * The files now below `dir` (a folder just created by a move), as the walk would see them: ignored
 * folders are not entered, links are not followed. Too many, and the folder itself is returned.
 */
export async function filesBelow(guard: PathGuard, rules: IgnoreRules, dir: string): Promise<string[]> {
  const out: string[] = []
  let queue = [dir]
  while (queue.length > 0) {
    const next: string[] = []
    for (const d of queue) {
      let entries: Dirent[]
      try {
        // The path was checked by the move that made it; a listing that fails just lists less.
        entries = await guard.withFolder(d, ({ dir: folder }) =>
          readdir(folder.at(''), { withFileTypes: true }),
        )
      } catch {
        continue
      }
      for (const e of entries) {
        const rel = `${d}/${e.name}`
        if (e.isDirectory()) {
          if (!rules.isIgnored(rel, true)) next.push(rel)
        } else if (e.isFile() && !rules.isIgnored(rel, false)) {
          if (out.length >= MAX_LISTED) return [dir]
          out.push(rel)
        }
      }
    }
    queue = next
  }
  return out
}
