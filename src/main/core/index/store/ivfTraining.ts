import type { PGlite } from '@electric-sql/pglite'
import { sqlText, STEP_PAIRS } from './vectorSteps'
/** Sample vectors per list the centroids are learnt from (pgvector itself takes up to 50). */
const SAMPLE_PER_LIST = 24
/** Rows read per loading step. */
const LOAD_ROWS = 1_000
/** Lloyd iterations over the sample. */
const ITERATIONS = 8

/**
 * Learns the lists (centroids) of an IVFFlat index in short steps, on this worker's thread between
 * its other calls. pgvector learns them inside CREATE INDEX, in one statement: that k-means was
 * ≈24 s at 100k vectors (316 lists, a 6k-row sample) on a loaded 2-core machine, with every search
 * waiting for it. Here: the sample is read a thousand rows a step (the rows with the lowest content
 * hashes: a hash order is a random order), seeded k-means++ style (each next centroid drawn with
 * weight its distance to the nearest one so far: evenly spread seeds gave clearly worse recall),
 * then spherical k-means (cosine, as the index) iterations, STEP_PAIRS distances a step. The index is then created over exactly these centroids
 * (vectorSteps.createGen). Held in memory only: a restart trains again from the start.
 */
export class IvfTraining {
  private readonly sample: Float32Array[] = []
  private lastHash = ''
  private loaded = false
  private centroids: Float32Array[] = []
  /** The centroids in one array, row after row (the inner loop reads them in order). */
  private matrix: Float32Array = new Float32Array(0)
  private sums: Float64Array[] = []
  private counts: Int32Array = new Int32Array(0)
  private iteration = 0
  private cursor = 0
  /** While seeding: each sample point's distance (1 - cosine) to its nearest centroid so far. */
  private nearest: Float64Array | null = null
  private random = seeded(0x9e3779b9)

  constructor(
    readonly key: string,
    readonly lists: number,
    private readonly dims: number,
    rows: number,
    private readonly want = Math.min(rows, lists * SAMPLE_PER_LIST),
  ) {}

  /** One step; the centroids (unit vectors) once trained, else null. */
  async step(db: PGlite): Promise<Float32Array[] | null> {
    if (!this.loaded) {
      await this.load(db)
      return null
    }
    if (this.nearest) {
      this.seedStep()
      return null
    }
    const n = this.sample.length
    const end = Math.min(n, this.cursor + Math.max(1, Math.floor(STEP_PAIRS / this.centroids.length)))
    if (this.cursor === 0) this.matrix = packed(this.centroids, this.dims)
    for (let i = this.cursor; i < end; i++) {
      const x = this.sample[i] as Float32Array
      const best = nearestCentroid(this.matrix, this.centroids.length, x)
      const s = this.sums[best] as Float64Array
      for (let k = 0; k < x.length; k++) s[k] = (s[k] ?? 0) + (x[k] ?? 0)
      this.counts[best] = (this.counts[best] ?? 0) + 1
    }
    this.cursor = end
    if (end < n) return null
    // One iteration done: each centroid moves to its members' mean direction; an empty one takes a
    // sample point no other started from, so the lists stay distinct.
    this.centroids = this.sums.map((s, c) =>
      (this.counts[c] ?? 0) > 0
        ? unit(Float32Array.from(s))
        : (this.sample[((c + this.iteration + 1) * 7919) % n] as Float32Array),
    )
    this.iteration++
    this.cursor = 0
    this.resetSums()
    return this.iteration >= ITERATIONS ? this.centroids : null
  }

  private async load(db: PGlite): Promise<void> {
    // As text, parsed as JSON (a vector's text form is a JSON array): the real[] form was parsed
    // element by element by PGlite's array parser, about twice the time.
    const r = await db.query<{ hash: string; v: string }>(
      `SELECT hash, embedding::text AS v FROM embeddings WHERE embedder = ${sqlText(this.key)} AND hash > $1
       ORDER BY hash LIMIT ${Math.min(LOAD_ROWS, this.want - this.sample.length)}`,
      [this.lastHash],
    )
    for (const row of r.rows) {
      const v = JSON.parse(row.v) as number[]
      if (v.length === this.dims) this.sample.push(unit(Float32Array.from(v)))
      this.lastHash = row.hash
    }
    if (r.rows.length > 0 && this.sample.length < this.want) return
    this.loaded = true
    this.nearest = new Float64Array(this.sample.length).fill(Infinity)
    this.centroids = []
    if (this.sample.length > 0)
      this.addCentroid(this.sample[Math.floor(this.random() * this.sample.length)] as Float32Array)
  }

  /** Adds seeds (k-means++): each costs one distance per sample point. */
  private seedStep(): void {
    const nearest = this.nearest as Float64Array
    const n = this.sample.length
    const k = Math.min(this.lists, n)
    for (let added = 0; this.centroids.length < k && added < Math.max(1, STEP_PAIRS / n); added++) {
      let total = 0
      for (const d of nearest) total += d
      let pick = this.random() * total
      let at = 0
      while (at < n - 1 && (pick -= nearest[at] ?? 0) > 0) at++
      this.addCentroid(this.sample[at] as Float32Array)
    }
    if (this.centroids.length < k) return
    this.nearest = null
    this.resetSums()
  }

  private addCentroid(c: Float32Array): void {
    this.centroids.push(c)
    const nearest = this.nearest as Float64Array
    for (let i = 0; i < this.sample.length; i++) {
      const x = this.sample[i] as Float32Array
      let dot = 0
      for (let k = 0; k < x.length; k++) dot += (x[k] as number) * (c[k] as number)
      nearest[i] = Math.min(nearest[i] ?? Infinity, Math.max(0, 1 - dot))
    }
  }

  private resetSums(): void {
    this.sums = this.centroids.map(() => new Float64Array(this.dims))
    this.counts = new Int32Array(this.centroids.length)
  }
}

function nearestCentroid(matrix: Float32Array, lists: number, x: Float32Array): number {
  const dims = x.length
  let best = 0
  let bestDot = -Infinity
  for (let c = 0, at = 0; c < lists; c++, at += dims) {
    // Four sums: the additions do not wait on each other (≈2× the speed of one running sum).
    let d0 = 0
    let d1 = 0
    let d2 = 0
    let d3 = 0
    let k = 0
    for (; k + 3 < dims; k += 4) {
      d0 += (x[k] as number) * (matrix[at + k] as number)
      d1 += (x[k + 1] as number) * (matrix[at + k + 1] as number)
      d2 += (x[k + 2] as number) * (matrix[at + k + 2] as number)
      d3 += (x[k + 3] as number) * (matrix[at + k + 3] as number)
    }
    for (; k < dims; k++) d0 += (x[k] as number) * (matrix[at + k] as number)
    const dot = d0 + d1 + d2 + d3
    if (dot > bestDot) [best, bestDot] = [c, dot]
  }
  return best
}

function packed(rows: Float32Array[], dims: number): Float32Array {
  const m = new Float32Array(rows.length * dims)
  rows.forEach((r, i) => m.set(r.subarray(0, dims), i * dims))
  return m
}

function unit(v: Float32Array): Float32Array {
  let n = 0
  for (const x of v) n += x * x
  const s = n > 0 ? 1 / Math.sqrt(n) : 0
  for (let k = 0; k < v.length; k++) v[k] = (v[k] ?? 0) * s
  return v
}

/** A small deterministic generator (xorshift): the same vectors train the same lists. */
function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 2 ** 32
  }
}
