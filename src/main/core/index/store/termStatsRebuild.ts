import type { PGlite, Transaction } from '@electric-sql/pglite'
import { setMeta } from './pgInstance'

/** The meta entry that holds the document frequencies (see TermStats). */
export const TERM_STATS_KEY = 'term_stats'

/**
 * Document frequency of every lexeme in `chunks`, for IDF. Searches look terms up here, in the
 * store worker's memory; the database keeps one copy of the whole set (meta `term_stats`, JSON of
 * two parallel arrays) that is read once at open and replaced whole by each recount. Until the
 * eleventh session these were a table, rewritten row by row and re-keyed after every recount:
 * ≈0.8 s of single-threaded work at the end of a first index of 10k files, with the other core
 * idle (docs/BENCHMARKS.md "Eleventh session").
 */
export class TermStats {
  private constructor(readonly ndoc: ReadonlyMap<string, number>) {}

  static readonly empty = new TermStats(new Map())

  /** Parses the stored form; a damaged entry reads as no statistics (the next recount rewrites it). */
  static parse(stored: string | null): TermStats {
    if (!stored) return TermStats.empty
    try {
      const v = JSON.parse(stored) as { lexemes?: unknown; ndocs?: unknown }
      const { lexemes, ndocs } = v
      if (!Array.isArray(lexemes) || !Array.isArray(ndocs) || lexemes.length !== ndocs.length)
        return TermStats.empty
      const m = new Map<string, number>()
      for (let i = 0; i < lexemes.length; i++) {
        const l: unknown = lexemes[i]
        const n: unknown = ndocs[i]
        if (typeof l === 'string' && typeof n === 'number' && n > 0) m.set(l, n)
      }
      return new TermStats(m)
    } catch {
      return TermStats.empty
    }
  }

  static of(ndoc: Map<string, number>): TermStats {
    for (const [l, n] of ndoc) if (n <= 0) ndoc.delete(l)
    return new TermStats(ndoc)
  }

  get size(): number {
    return this.ndoc.size
  }

  stored(): string {
    return JSON.stringify({ lexemes: [...this.ndoc.keys()], ndocs: [...this.ndoc.values()] })
  }
}

/**
 * Recomputes the document frequencies in bounded steps, each its own store request. In one
 * statement, `ts_stat` over 90k chunks held the store worker for ≈6 s, and every search issued
 * meanwhile waited for it (after a first index, a branch switch). In steps, a search waits for one
 * step at most.
 *
 * Steps: count a slice of chunk rows (`ts_stat` over a range of ids; the counts add up in memory,
 * which measured cheaper than upserting each slice into a table); the step that counts the last
 * slice also writes the new set in one transaction (with `onSwap`). Searches keep the old counts
 * until then. Slices are disjoint ranges of chunk ids, so the totals equal one `ts_stat` over the
 * whole table. A rebuild cut short (closed, killed) leaves the stored counts as they were; the
 * next one starts over. Given counts kept as the chunks were written (a first index), it skips
 * the counting and writes those, in one step.
 */
export class TermStatsRebuild {
  /** First chunk id of the next slice (digits, from Postgres); null before the first slice. */
  private next: string | null = null
  private readonly ndoc = new Map<string, number>()
  private done = false

  constructor(
    /** A getter, not the handle: the store may restart Postgres between two steps (cache sizing). */
    private readonly pg: () => Pick<PGlite, 'query' | 'transaction'>,
    private readonly sliceRows: number,
    /** Counts kept exactly as the chunks were written (IndexDb's liveDf): written, not counted. */
    private precounted: Map<string, number> | null = null,
  ) {}

  /**
   * Does one step. Returns null while slices remain; the last one stores the new counts (running
   * `onSwap` in the same transaction) and returns them.
   */
  async step(onSwap: (tx: Transaction) => Promise<void>): Promise<TermStats | null> {
    if (this.done) throw new Error('term statistics rebuild already finished')
    const counted = this.precounted ?? (await this.countSlice())
    this.precounted = null
    if (!counted) return null
    const stats = TermStats.of(counted)
    const stored = stats.stored()
    await this.pg().transaction(async (tx) => {
      await setMeta(tx, TERM_STATS_KEY, stored)
      await onSwap(tx)
    })
    this.done = true
    return stats
  }

  /** Counts one slice; returns the totals once the last slice is counted. */
  private async countSlice(): Promise<Map<string, number> | null> {
    if (this.next === null) {
      const first = await this.pg().query<{ id: string | null }>('SELECT min(id)::text AS id FROM chunks')
      this.next = first.rows[0]?.id ?? null
      if (this.next === null) return this.ndoc
    }
    const lo = this.next
    // The slice ends where the next one starts: `sliceRows` rows on, whatever gaps churn left in
    // the ids. Null: this is the last slice.
    const bound = await this.pg().query<{ id: string | null }>(
      'SELECT (SELECT id FROM chunks WHERE id >= $1::bigint ORDER BY id OFFSET $2 LIMIT 1)::text AS id',
      [lo, this.sliceRows],
    )
    const hi = bound.rows[0]?.id ?? null
    // Both bounds are bigint text from Postgres; ts_stat takes its query as a string.
    if (!/^\d+$/.test(lo) || (hi !== null && !/^\d+$/.test(hi)))
      throw new Error(`bad chunk id bound ${lo}..${hi}`)
    const range = hi === null ? `id >= ${lo}` : `id >= ${lo} AND id < ${hi}`
    const r = await this.pg().query<{ word: string; ndoc: number }>(
      `SELECT word, ndoc FROM ts_stat('SELECT tsv FROM chunks WHERE ${range}')`,
    )
    for (const { word, ndoc } of r.rows) this.ndoc.set(word, (this.ndoc.get(word) ?? 0) + ndoc)
    this.next = hi
    return hi === null ? this.ndoc : null
  }
}
