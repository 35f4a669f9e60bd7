import type { RankedPath } from './rankPaths'

export interface FileHit extends RankedPath {
  /** Listed in the "recently opened" group. */
  recent: boolean
}

/**
 * Quick open with nothing typed: the files opened in this folder, most recent first, then the
 * rest as listed. A recent file missing from a complete listing was deleted or renamed: left out.
 */
export function filesWithRecentFirst(
  paths: readonly string[],
  recent: readonly string[],
  truncated: boolean,
  limit: number,
): FileHit[] {
  const listed = new Set(paths)
  const first = recent.filter((p) => listed.has(p) || truncated)
  const firstSet = new Set(first)
  const out: FileHit[] = first.map((path) => ({ path, score: 0, positions: [], recent: true }))
  for (const path of paths) {
    if (out.length >= limit) break
    if (!firstSet.has(path)) out.push({ path, score: 0, positions: [], recent: false })
  }
  return out.slice(0, Math.max(limit, first.length))
}
