import { readdirSync, renameSync, rmSync } from 'node:fs'
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
