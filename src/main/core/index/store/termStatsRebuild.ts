import type { PGlite, Transaction } from '@electric-sql/pglite'
import { BINARY_ARRAYS } from './binaryArrays'

/** Rows written into the new table per step, once every slice is counted. */
const INSERT_ROWS = 25_000

/**
 * Recomputes the document frequency of every lexeme (`term_stats`, for IDF) in bounded steps,
 * each its own store request. In one statement, `ts_stat` over 90k chunks held the store worker
 * for ≈6 s, and every search issued meanwhile waited for it (after a first index, a branch
 * switch). In steps, a search waits for one step at most.
 *
 * Steps: count a slice of chunk rows (`ts_stat` over a range of ids; the counts add up in memory,
 * which measured cheaper than upserting each slice into a table), then write the totals into
 * `term_stats_next` in parts, build its primary key, then swap the tables in one transaction.
 * Searches keep reading the old `term_stats` until the swap. Slices are disjoint ranges of chunk
 * ids, so the totals equal one `ts_stat` over the whole table. A rebuild cut short (closed,
 * killed) leaves `term_stats` as it was; the next one starts over. Given counts kept as the
 * chunks were written (a first index), it skips the counting and writes those.
 */
export class TermStatsRebuild {
  /** First chunk id of the next slice (digits, from Postgres); null before the first slice. */
  private next: string | null = null
  private counting = true
  private readonly ndoc = new Map<string, number>()
  private toWrite: [string, number][] = []
  /** How many lexemes the new table gets (known once every slice is counted). */
  private lexemes = 0
  /** The new table's primary key is built once its rows are in. */
  private keyed = false
  private done = false

  constructor(
    /** A getter, not the handle: the store may restart Postgres between two steps (cache sizing). */
    private readonly pg: () => Pick<PGlite, 'query' | 'transaction'>,
    private readonly sliceRows: number,
    /** Counts kept exactly as the chunks were written (IndexDb's liveDf): written, not counted. */
    private precounted: Map<string, number> | null = null,
  ) {}

  /**
   * Does one step. Returns null while steps remain; the last one swaps the new counts in (running
   * `onSwap` in the same transaction) and returns how many lexemes there are.
   */
  async step(onSwap: (tx: Transaction) => Promise<void>): Promise<number | null> {
    if (this.done) throw new Error('term statistics rebuild already finished')
    if (this.counting) {
      if (this.precounted) {
        for (const [l, n] of this.precounted) if (n > 0) this.ndoc.set(l, n)
        this.precounted = null
        await this.startWriting()
      } else await this.countSlice()
      return null
    }
    if (this.toWrite.length > 0) {
      const part = this.toWrite.splice(0, INSERT_ROWS)
      await this.pg().query(
        'INSERT INTO term_stats_next (lexeme, ndoc) SELECT * FROM unnest($1::text[], $2::int[])',
        [part.map((e) => e[0]), part.map((e) => e[1])],
        BINARY_ARRAYS,
      )
      if (this.toWrite.length > 0) return null
    }
    if (!this.keyed) {
      // Its own step, so the swap stays short: one sorted build instead of a random-order btree
      // insert per row (≈200k rows after a first index of the whole tree).
      await this.pg().query('ALTER TABLE term_stats_next ADD PRIMARY KEY (lexeme)')
      this.keyed = true
      return null
    }
    return this.swap(onSwap)
  }

  private async countSlice(): Promise<void> {
    if (this.next === null) {
      const first = await this.pg().query<{ id: string | null }>('SELECT min(id)::text AS id FROM chunks')
      this.next = first.rows[0]?.id ?? null
      if (this.next === null) return this.startWriting()
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
    if (hi === null) await this.startWriting()
  }

  private async startWriting(): Promise<void> {
    this.counting = false
    this.toWrite = [...this.ndoc]
    this.lexemes = this.toWrite.length
    this.ndoc.clear()
    await this.pg().query('DROP TABLE IF EXISTS term_stats_next')
    await this.pg().query('CREATE TABLE term_stats_next (lexeme text NOT NULL, ndoc int NOT NULL)')
  }

  private async swap(onSwap: (tx: Transaction) => Promise<void>): Promise<number> {
    await this.pg().transaction(async (tx) => {
      await tx.query('DROP TABLE term_stats')
      await tx.query('ALTER TABLE term_stats_next RENAME TO term_stats')
      // Renaming the index renames its primary-key constraint too; the cache sizing finds both by name.
      await tx.query('ALTER INDEX term_stats_next_pkey RENAME TO term_stats_pkey')
      await onSwap(tx)
    })
    this.done = true
    return this.lexemes
  }
}
