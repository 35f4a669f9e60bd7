/** Fusion candidates for fusionLab.ts: each ranks one query's candidates from its two lists. */

export interface Entry {
  key: string
  path: string
  score: number
}
export interface Lists {
  target: string
  fts: Entry[]
  vec: Entry[]
}
type Fuse = (l: Lists) => Entry[]

function combine(l: Lists, fs: number[], vs: number[]): Entry[] {
  const m = new Map<string, Entry>()
  l.fts.forEach((e, i) => m.set(e.key, { ...e, score: fs[i] ?? 0 }))
  l.vec.forEach((e, i) => {
    const have = m.get(e.key)
    if (have) have.score += vs[i] ?? 0
    else m.set(e.key, { ...e, score: vs[i] ?? 0 })
  })
  return [...m.values()].sort((a, b) => b.score - a.score)
}

const byMax = (list: Entry[], w: number): number[] => {
  const max = Math.max(...list.map((h) => h.score), 1e-9)
  return list.map((h) => (w * h.score) / max)
}
const rrf = (k: number, w: number) => (_: unknown, i: number) => w / (k + i + 1)

/** Share of the top `n` files the two lists have in common. */
export function agreement(l: Lists, n = 10): number {
  const top = (list: Entry[]): Set<string> => {
    const s = new Set<string>()
    for (const e of list) if (s.size < n) s.add(e.path)
    return s
  }
  const a = top(l.fts)
  const b = top(l.vec)
  let common = 0
  for (const p of a) if (b.has(p)) common++
  return common / Math.max(1, Math.min(a.size, b.size))
}

export const FUSIONS: Record<string, Fuse> = {
  fts: (l) => l.fts,
  vector: (l) => l.vec,
}
for (const w of [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7])
  FUSIONS[`weighted_${w}`] = (l) => combine(l, byMax(l.fts, 1 - w), byMax(l.vec, w))
for (const k of [5, 20, 60])
  for (const w of [0.5, 0.6])
    FUSIONS[`rrf_k${k}_w${w}`] = (l) => combine(l, l.fts.map(rrf(k, 1 - w)), l.vec.map(rrf(k, w)))
// Scores relative to the list's own spread: a vector list whose best hits barely stand out of the
// rest (hash noise) counts less than a full-text list with a clear winner.
for (const w of [0.4, 0.5, 0.6])
  FUSIONS[`zscore_${w}`] = (l) => {
    const z = (list: Entry[], wt: number): number[] => {
      const xs = list.map((e) => e.score)
      const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length)) || 1
      return xs.map((x) => (wt * (x - mean)) / sd)
    }
    return combine(l, z(l.fts, 1 - w), z(l.vec, w))
  }
// Weighted, the vector weight moved by how much the two lists agree: where they agree the vector
// side confirms; where they do not, full text (exact words) is trusted more.
for (const [lo, hi] of [
  [0.3, 0.7],
  [0.4, 0.7],
  [0.5, 0.7],
  [0.3, 0.6],
  [0.5, 0.65],
  [0.55, 0.7],
  [0.6, 0.7],
])
  FUSIONS[`agree_${lo}-${hi}`] = (l) => {
    const w = (lo as number) + ((hi as number) - (lo as number)) * agreement(l)
    return combine(l, byMax(l.fts, 1 - w), byMax(l.vec, w))
  }
// Full-text confidence: the more its best hit stands above its tenth, the less the vector side weighs.
for (const w of [0.5, 0.6, 0.7])
  FUSIONS[`ftsgap_${w}`] = (l) => {
    const top = l.fts[0]?.score ?? 0
    const tenth = l.fts[Math.min(9, l.fts.length - 1)]?.score ?? 0
    const gap = top > 0 ? (top - tenth) / top : 0
    const wv = w * (1 - 0.5 * gap)
    return combine(l, byMax(l.fts, 1 - wv), byMax(l.vec, wv))
  }
