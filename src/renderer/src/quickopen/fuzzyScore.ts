/** A fuzzy match: higher score is better; `positions` index into the target (for highlighting). */
export interface FuzzyMatch {
  score: number
  positions: number[]
}

const SCORE_MATCH = 16
const BONUS_CONSECUTIVE = 24
const BONUS_BOUNDARY = 30 // after / _ - . space
const BONUS_SEGMENT_START = 40 // first char of a path segment
const BONUS_CAMEL = 24 // fooBar: the B
const BONUS_FIRST_CHAR = 20 // the target's very first char
const BONUS_CASE = 2 // same case as typed
const PENALTY_GAP_START = 6
const PENALTY_GAP_EXTEND = 1
const NEG = -1e9

function isSeparator(c: string): boolean {
  return c === '/' || c === '\\' || c === '_' || c === '-' || c === '.' || c === ' '
}

function isUpper(c: string): boolean {
  return c !== c.toLowerCase() && c === c.toUpperCase()
}

/** How good a place `target[j]` is to match a query char, independent of the other matches. */
function positionBonus(target: string, j: number): number {
  if (j === 0) return BONUS_FIRST_CHAR + BONUS_SEGMENT_START
  const prev = target[j - 1] as string
  const cur = target[j] as string
  if (prev === '/' || prev === '\\') return BONUS_SEGMENT_START
  if (isSeparator(prev)) return BONUS_BOUNDARY
  if (isUpper(cur) && !isUpper(prev)) return BONUS_CAMEL
  if (/\d/.test(cur) && !/\d/.test(prev)) return BONUS_CAMEL / 2
  return 0
}

/**
 * Scores `query` against `target` (case-insensitive subsequence) with the best alignment, as
 * fzf and VS Code do: contiguous runs, prefixes, path-segment and camelCase starts earn bonuses;
 * gaps cost. Returns undefined when the query is not a subsequence. O(|query|·|target|).
 */
export function fuzzyScore(query: string, target: string): FuzzyMatch | undefined {
  const m = query.length
  const n = target.length
  if (m === 0) return { score: 0, positions: [] }
  if (m > n) return undefined
  const q = query.toLowerCase()
  const t = target.toLowerCase()
  // Cheap subsequence check first: most candidates fail here and never reach the DP.
  let k = 0
  for (let j = 0; j < n && k < m; j++) if (t[j] === q[k]) k++
  if (k < m) return undefined

  const bonus = new Int32Array(n)
  for (let j = 0; j < n; j++) bonus[j] = positionBonus(target, j)

  // H[i][j]: best score with q[i] matched at t[j]; C[i][j]: length of the run ending there.
  const H = Array.from({ length: m }, () => new Float64Array(n).fill(NEG))
  const C = Array.from({ length: m }, () => new Int32Array(n))
  const from = Array.from({ length: m }, () => new Int32Array(n).fill(-1))
  for (let i = 0; i < m; i++) {
    // Best predecessor for a gap: running max of H[i-1][k] - gap penalty, k < j - 1.
    let gapBest = NEG
    let gapFrom = -1
    for (let j = i; j < n; j++) {
      if (i > 0 && j >= 2) {
        const prev = (H[i - 1] as Float64Array)[j - 2] as number
        const decayed = gapBest - PENALTY_GAP_EXTEND
        if (prev - PENALTY_GAP_START >= decayed) {
          gapBest = prev - PENALTY_GAP_START
          gapFrom = j - 2
        } else gapBest = decayed
      }
      if (t[j] !== q[i]) continue
      const base = SCORE_MATCH + (bonus[j] as number) + (target[j] === query[i] ? BONUS_CASE : 0)
      const Hi = H[i] as Float64Array
      if (i === 0) {
        // Leading unmatched chars cost a little, so earlier matches win ties.
        Hi[j] = base - Math.min(j, 15) * PENALTY_GAP_EXTEND
        ;(C[i] as Int32Array)[j] = 1
        continue
      }
      const diag = j > 0 ? ((H[i - 1] as Float64Array)[j - 1] as number) : NEG
      const run = j > 0 ? ((C[i - 1] as Int32Array)[j - 1] as number) : 0
      // A consecutive match keeps at least the bonus of the run's start (fzf's rule).
      const consecutive = diag > NEG / 2 ? diag + base + BONUS_CONSECUTIVE + Math.min(run, 3) * 2 : NEG
      const gapped = gapBest > NEG / 2 ? gapBest + base : NEG
      if (consecutive >= gapped && consecutive > NEG / 2) {
        Hi[j] = consecutive
        ;(C[i] as Int32Array)[j] = run + 1
        ;(from[i] as Int32Array)[j] = j - 1
      } else if (gapped > NEG / 2) {
        Hi[j] = gapped
        ;(C[i] as Int32Array)[j] = 1
        ;(from[i] as Int32Array)[j] = gapFrom
      }
    }
  }
  const last = H[m - 1] as Float64Array
  let bestJ = -1
  let best = NEG
  for (let j = 0; j < n; j++) {
    if ((last[j] as number) > best) {
      best = last[j] as number
      bestJ = j
    }
  }
  if (bestJ < 0 || best <= NEG / 2) return undefined
  const positions = new Array<number>(m)
  let j = bestJ
  for (let i = m - 1; i >= 0; i--) {
    positions[i] = j
    j = (from[i] as Int32Array)[j] as number
  }
  // Shorter targets win among equals (an exact file name beats a longer one containing it).
  return { score: best - n * 0.05, positions }
}
