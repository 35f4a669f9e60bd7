import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

const KEEP_CORRUPT_COPIES = 2

/** Renames a bad data directory out of the way, keeping the last few for a bug report. */
export function setAside(pgDir: string): string {
  const to = `${pgDir}.corrupt-${Date.now()}`
  renameSync(pgDir, to)
  const parent = dirname(pgDir)
  const prefix = `${basename(pgDir)}.corrupt-`
  const old = readdirSync(parent)
    .filter((n) => n.startsWith(prefix))
    .sort()
    .reverse()
  for (const n of old.slice(KEEP_CORRUPT_COPIES)) rmSync(join(parent, n), { recursive: true, force: true })
  return to
}

/**
 * Opens with `open`; a directory whose opening fails (with an error `setAsideOn` accepts) is
 * renamed aside and opened fresh once: an index is derived data, and a crash loop on a bad
 * directory would be worse than a re-index. A second failure is reported, not retried.
 */
export async function openOrSetAside<T>(
  dir: string | null,
  open: (dir: string | null) => Promise<T>,
  setAsideOn: (err: unknown) => boolean = () => true,
): Promise<{ db: T; rebuilt: { setAsideTo: string; reason: string } | null }> {
  try {
    return { db: await open(dir), rebuilt: null }
  } catch (err) {
    if (!dir || !existsSync(dir) || !setAsideOn(err)) throw err
    const setAsideTo = setAside(dir)
    return {
      db: await open(dir),
      rebuilt: { setAsideTo, reason: err instanceof Error ? err.message : String(err) },
    }
  }
}
