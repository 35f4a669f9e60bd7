import type { FuzzyMatch } from './fuzzyScore'
import { fuzzyScore } from './fuzzyScore'

export interface RankedPath extends FuzzyMatch {
  path: string
}

/** A hit in the file name is worth more than the same hit spread over folders (VS Code does the same). */
const BASENAME_BONUS = 60

/** Scores one workspace path: the better of a file-name-only match and a whole-path match. */
export function scorePath(query: string, path: string): FuzzyMatch | undefined {
  const q = query.replace(/\s+/g, '').replace(/\\/g, '/')
  if (q === '') return { score: 0, positions: [] }
  const whole = fuzzyScore(q, path)
  if (!whole) return undefined
  if (q.includes('/')) return whole
  const slash = path.lastIndexOf('/')
  const name = fuzzyScore(q, path.slice(slash + 1))
  if (!name) return whole
  const onName = { score: name.score + BASENAME_BONUS, positions: name.positions.map((p) => p + slash + 1) }
  return onName.score >= whole.score ? onName : whole
}

/** The best `limit` paths for `query`, best first; ties go to shorter, then alphabetical paths. */
export function rankPaths(query: string, paths: readonly string[], limit = 50): RankedPath[] {
  if (query.trim() === '') {
    return paths.slice(0, limit).map((path) => ({ path, score: 0, positions: [] }))
  }
  const hits: RankedPath[] = []
  for (const path of paths) {
    const m = scorePath(query, path)
    if (m) hits.push({ path, ...m })
  }
  hits.sort((a, b) => b.score - a.score || a.path.length - b.path.length || (a.path < b.path ? -1 : 1))
  return hits.slice(0, limit)
}

/**
 * Ranks one file list for successive queries. While the user keeps typing (each query extends
 * the last), only the previous matches are scored again: a path that did not match "rout" cannot
 * match "route". Keeps typing responsive on 100k-file workspaces.
 */
export function createRanker(paths: readonly string[]): (query: string, limit?: number) => RankedPath[] {
  let last: { query: string; matches: readonly string[] } | undefined
  return (query, limit = 50) => {
    const q = query.replace(/\s+/g, '')
    if (q === '') {
      last = undefined
      return rankPaths('', paths, limit)
    }
    const pool = last && q.toLowerCase().startsWith(last.query.toLowerCase()) ? last.matches : paths
    const all = rankPaths(q, pool, Infinity)
    last = { query: q, matches: all.map((h) => h.path) }
    return all.slice(0, limit)
  }
}
