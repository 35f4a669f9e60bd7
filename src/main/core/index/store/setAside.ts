import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { cannotWrite, probeWritable } from './diskSpace'
import { describeError, hasReason, writeFailureOf } from './storeErrors'

/** What a set-aside directory's name starts with, after its database's own name (`pg`). */
export const SET_ASIDE_MARK = '.corrupt-'

/**
 * Set-aside copies of a database beside `pgDir`, newest first. At most one is kept (setAside):
 * each is as large as the index was, and on a disk that is filling up, copies kept "for a bug
 * report" were what filled it.
 */
export function setAsideCopies(pgDir: string): string[] {
  const parent = dirname(pgDir)
  const prefix = `${basename(pgDir)}${SET_ASIDE_MARK}`
  let names: string[]
  try {
    names = readdirSync(parent)
  } catch {
    return []
  }
  return names
    .filter((n) => n.startsWith(prefix))
    .sort()
    .reverse()
    .map((n) => join(parent, n))
}

/**
 * Renames a bad data directory out of the way, keeping only this one copy of a bad directory
 * (older copies are deleted first, so their space is free before the rebuild needs it).
 */
export function setAside(pgDir: string): string {
  for (const old of setAsideCopies(pgDir)) rmSync(old, { recursive: true, force: true })
  const to = `${pgDir}${SET_ASIDE_MARK}${Date.now()}`
  renameSync(pgDir, to)
  return to
}

/**
 * Leftovers of a forced rebuild by an earlier build, which renamed the whole directory to
 * `<dir>.discarded-…` before deleting it, and was killed before it finished.
 */
export function removeDiscarded(pgDir: string): void {
  const parent = dirname(pgDir)
  const prefix = `${basename(pgDir)}.discarded-`
  let names: string[]
  try {
    names = readdirSync(parent)
  } catch {
    return
  }
  for (const n of names) if (n.startsWith(prefix)) rmSync(join(parent, n), { recursive: true, force: true })
}

/**
 * Opens with `open`; a directory whose opening fails (with an error `setAsideOn` accepts) is
 * renamed aside and opened fresh once: an index is derived data, and a crash loop on a bad
 * directory would be worse than a re-index. A second failure is reported, not retried.
 *
 * Except when the disk is the trouble: a failure that says the disk is full or read-only, or any
 * failure on a disk that cannot take writes now (a database that cannot start there fails with
 * PGlite's "failed to initialize"), keeps the directory as it is and reports that instead. A
 * full disk does not make an index corrupt, and a rebuild there could not finish.
 */
export async function openOrSetAside<T>(
  dir: string | null,
  open: (dir: string | null) => Promise<T>,
  setAsideOn: (err: unknown) => boolean = () => true,
): Promise<{ db: T; rebuilt: { setAsideTo: string; reason: string } | null }> {
  try {
    return { db: await open(dir), rebuilt: null }
  } catch (err) {
    if (!dir || !existsSync(dir)) throw err
    const failure = writeFailureOf(err) ?? probeWritable(dir)
    if (failure) throw writeFailureOf(err) && hasReason(err) ? err : cannotWrite(dir, failure, err)
    if (!setAsideOn(err)) throw err
    const setAsideTo = setAside(dir)
    try {
      return { db: await open(dir), rebuilt: { setAsideTo, reason: describeError(err) } }
    } catch (again) {
      const f = writeFailureOf(again)
      throw f && !hasReason(again) ? cannotWrite(dir, f, again) : again
    }
  }
}
