import type { PGlite } from '@electric-sql/pglite'
import { SAMPLE_PER_LIST, sqlText, STEP_PAIRS } from './vectorSteps'
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
  /** Per sample point: its centroid, and bounds on the distances that let most points skip a scan. */
  private bounds: Bounds | null = null
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
    const k = this.centroids.length
    if (this.cursor === 0) this.beginIteration()
    const b = this.bounds as Bounds
    // Distances computed this step; a point its bounds settle costs a little (its sum, the checks).
    let pairs = 0
    let i = this.cursor
    for (; i < n && pairs < STEP_PAIRS; i++) {
      const x = this.sample[i] as Float32Array
      pairs += 1 + k / 8
      const a = b.assign[i] as number
      if (a < 0) {
        pairs += k
        this.rescan(x, i, b)
      } else pairs += this.update(x, i, b)
      const c = b.assign[i] as number
      const s = this.sums[c] as Float64Array
      for (let d = 0; d < x.length; d++) s[d] = (s[d] as number) + (x[d] as number)
      this.counts[c] = (this.counts[c] ?? 0) + 1
    }
    this.cursor = i
    if (i < n) return null
    // One iteration done: each centroid moves to its members' mean direction; an empty one takes a
    // sample point no other started from, so the lists stay distinct.
    const before = this.matrix
    this.centroids = this.sums.map((s, c) =>
      (this.counts[c] ?? 0) > 0
        ? unit(Float32Array.from(s))
        : (this.sample[((c + this.iteration + 1) * 7919) % n] as Float32Array),
    )
    this.matrix = packed(this.centroids, this.dims)
    // The bounds follow the centroids: a point's own one moved at most this far from it, and each
    // other one at most its own move closer.
    const moved = new Float64Array(k)
    for (let c = 0; c < k; c++)
      moved[c] = distanceAt(before, c * this.dims, this.matrix, c * this.dims, this.dims)
    for (let j = 0; j < n; j++) {
      const a = b.assign[j] as number
      if (a < 0) continue
      b.upper[j] = (b.upper[j] as number) + (moved[a] as number)
      for (let c = 0, at = j * k; c < k; c++, at++)
        b.lower[at] = Math.max(0, (b.lower[at] as number) - (moved[c] as number))
    }
    this.iteration++
    this.cursor = 0
    this.resetSums()
    return this.iteration >= ITERATIONS ? this.centroids : null
  }

  /**
   * Before each iteration: the centroids as one matrix (packed here for the first; each later one's
   * was packed as the iteration before it ended), and the distances between them (Elkan's test).
   * The first iteration has no bounds yet: every point is scanned.
   */
  private beginIteration(): void {
    const k = this.centroids.length
    const n = this.sample.length
    if (this.iteration === 0) this.matrix = packed(this.centroids, this.dims)
    if (!this.bounds || this.bounds.assign.length !== n)
      this.bounds = {
        assign: new Int32Array(n).fill(-1),
        upper: new Float64Array(n),
        lower: new Float32Array(n * k),
        gap: new Float64Array(k * k),
        half: new Float64Array(k),
      }
    const { gap, half } = this.bounds
    half.fill(Infinity)
    for (let c = 0; c < k; c++)
      for (let o = c + 1; o < k; o++) {
        const d = distanceAt(this.matrix, c * this.dims, this.matrix, o * this.dims, this.dims) / 2
        gap[c * k + o] = d
        gap[o * k + c] = d
        if (d < (half[c] as number)) half[c] = d
        if (d < (half[o] as number)) half[o] = d
      }
  }

  /** Point `i` against every centroid: its nearest, and each distance as the lower bound. */
  private rescan(x: Float32Array, i: number, b: Bounds): void {
    const k = this.centroids.length
    let best = 0
    let first = Infinity
    for (let c = 0, at = 0; c < k; c++, at += this.dims) {
      const d = distance(this.matrix, at, x)
      b.lower[i * k + c] = d
      if (d < first) {
        first = d
        best = c
      }
    }
    b.assign[i] = best
    b.upper[i] = first
  }

  /**
   * Elkan's bounds: a centroid is measured only when it could be nearer than the point's own one
   * (its lower bound, and half its distance to the own one, are below the own one's upper bound).
   * Returns the distances computed.
   */
  private update(x: Float32Array, i: number, b: Bounds): number {
    const k = this.centroids.length
    let a = b.assign[i] as number
    let u = b.upper[i] as number
    if (u <= (b.half[a] as number)) return 0
    let exact = false
    let pairs = 0
    const row = i * k
    for (let c = 0; c < k; c++) {
      if (c === a || u <= (b.lower[row + c] as number) || u <= (b.gap[a * k + c] as number)) continue
      if (!exact) {
        u = distance(this.matrix, a * this.dims, x)
        b.lower[row + a] = u
        exact = true
        pairs++
        if (u <= (b.lower[row + c] as number) || u <= (b.gap[a * k + c] as number)) continue
      }
      const d = distance(this.matrix, c * this.dims, x)
      b.lower[row + c] = d
      pairs++
      if (d < u) {
        a = c
        u = d
      }
    }
    b.assign[i] = a
    b.upper[i] = u
    return pairs
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
      const dot = dotAt(c, 0, x, 0, x.length)
      nearest[i] = Math.min(nearest[i] ?? Infinity, Math.max(0, 1 - dot))
    }
  }

  private resetSums(): void {
    this.sums = this.centroids.map(() => new Float64Array(this.dims))
    this.counts = new Int32Array(this.centroids.length)
  }
}

interface Bounds {
  /** The point's centroid (-1: not known yet). */
  assign: Int32Array
  /** At least the distance to its centroid. */
  upper: Float64Array
  /** Point by centroid: at most the distance between them. */
  lower: Float32Array
  /** Centroid by centroid: half the distance between them. */
  gap: Float64Array
  /** Per centroid: half the distance to its nearest other. */
  half: Float64Array
}

/** Dot product of `x` and the row of `m` at `at`, four sums at once (they do not wait on each other). */
function dotAt(m: Float32Array, at: number, x: Float32Array, xAt: number, dims: number): number {
  let d0 = 0
  let d1 = 0
  let d2 = 0
  let d3 = 0
  let k = 0
  for (; k + 3 < dims; k += 4) {
    d0 += (x[xAt + k] as number) * (m[at + k] as number)
    d1 += (x[xAt + k + 1] as number) * (m[at + k + 1] as number)
    d2 += (x[xAt + k + 2] as number) * (m[at + k + 2] as number)
    d3 += (x[xAt + k + 3] as number) * (m[at + k + 3] as number)
  }
  for (; k < dims; k++) d0 += (x[xAt + k] as number) * (m[at + k] as number)
  return d0 + d1 + d2 + d3
}

/**
 * Euclidean distance between unit vectors (every sample point and centroid is one): it orders
 * centroids as the cosine does, and obeys the triangle inequality the bounds rest on.
 */
function distanceAt(m: Float32Array, at: number, x: Float32Array, xAt: number, dims: number): number {
  return Math.sqrt(Math.max(0, 2 - 2 * dotAt(m, at, x, xAt, dims)))
}

function distance(m: Float32Array, at: number, x: Float32Array): number {
  return distanceAt(m, at, x, 0, x.length)
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
