import type { PGlite } from '@electric-sql/pglite'
import { checkpointIfDue, getMeta, setMeta } from './pgInstance'
import type { LexemeCounts } from './storeTypes'
import { TERM_STATS_KEY, TermStats, TermStatsRebuild } from './termStatsRebuild'

/** Chunks counted per step of a term-statistics refresh: ≈0.15 s of store time each at 90k chunks. */
export const TERM_STATS_SLICE_ROWS = 2500

/**
 * The term statistics of the full-text database: the document frequencies searches weigh terms
 * by (as of the last recount, meta `term_stats`), the live counts kept while they are exact, and a
 * recount in progress (termStatsRebuild.ts), between two of its steps.
 */
export class TermCounts {
  /** A term-statistics recount in progress (step), between two of its steps. */
  private rebuild: TermStatsRebuild | null = null

  private constructor(
    /** Document frequencies as of the last recount (meta `term_stats`), what searches weigh terms by. */
    private stats: TermStats,
    /** Chunks in the table at the last recount; 0: none yet (the next refresh recounts). */
    private statsChunks: number,
    /**
     * Document frequency of every lexeme in `chunks`, kept as rows are written and deleted, only
     * while it is known exactly: from an empty table on. The next recount writes these instead of
     * counting the table again (on a first index that recount was ≈1.8 s of a 4,000-file pass's
     * 10, all on the store worker). Handed to that recount and dropped: later recounts count.
     */
    private live: Map<string, number> | null,
  ) {}

  /** Reads the stored statistics; `chunks`: the rows in `chunks` now. */
  static async load(db: Pick<PGlite, 'query'>, chunks: number): Promise<TermCounts> {
    let statsChunks = Number((await getMeta(db, 'term_stats_chunks')) ?? 0)
    const stats = TermStats.parse(await getMeta(db, TERM_STATS_KEY))
    // Chunks but no statistics (a damaged entry): the next refresh recounts, however little moved.
    if (stats.size === 0 && chunks > 0) statsChunks = 0
    return new TermCounts(stats, statsChunks, chunks === 0 ? new Map() : null)
  }

  /** The document frequencies searches use now (as of the last recount). */
  get ndoc(): ReadonlyMap<string, number> {
    return this.stats.ndoc
  }

  /** Chunks in the table at the last recount (0: none yet). */
  get counted(): number {
    return this.statsChunks
  }

  /** Whether live counts are kept: writes must then report the lexemes of what they delete. */
  get countingLive(): boolean {
    return this.live !== null
  }

  /** Live counting stops; the next recount counts the chunks themselves. */
  stopLive(): void {
    this.live = null
  }

  /** Takes each lexeme of each deleted chunk's list (space-separated) off the live counts. */
  uncount(lists: string[]): void {
    const df = this.live
    if (!df) return
    for (const list of lists) for (const l of list.split(' ')) if (l) df.set(l, (df.get(l) ?? 0) - 1)
  }

  /** Adds a written batch's document frequencies to the live counts (after COMMIT only). */
  count(batch: LexemeCounts): void {
    const df = this.live
    if (!df || batch.counts.length === 0) return
    const lexemes = batch.lexemes.split(' ')
    if (lexemes.length !== batch.counts.length) {
      // A malformed batch cannot be counted: the end of the pass recounts from the chunks.
      this.live = null
      return
    }
    for (let i = 0; i < lexemes.length; i++) {
      const l = lexemes[i] as string
      df.set(l, (df.get(l) ?? 0) + (batch.counts[i] as number))
    }
  }

  /**
   * One bounded step of a recount, so the store worker answers searches in between (the caller
   * repeats it until `done`): the first step decides whether a recount is due, each step after
   * counts one slice of chunks (termStatsRebuild.ts). `lexemes` is -1 when none was due.
   * `ifStale`: only when the chunk count moved by more than 10 % since the last recount (stale IDF
   * shifts ranking a little; recomputing is a full scan). `db` is a getter: `fitCache` (given
   * whether it may skip an index that was already fitted) may restart Postgres.
   */
  async step(
    db: () => PGlite,
    o: { chunks: number; ifStale: boolean; sliceRows: number },
    fitCache: (unlessFitted: boolean) => Promise<void>,
  ): Promise<{ done: boolean; lexemes: number }> {
    if (!this.rebuild) {
      // After a batch of writes, merge GIN's pending list into the index: searches scan the
      // pending list linearly, which slows full-text queries on a freshly built index.
      await db().query(`SELECT gin_clean_pending_list('chunks_tsv'::regclass)`)
      if (
        o.ifStale &&
        this.statsChunks > 0 &&
        Math.abs(o.chunks - this.statsChunks) <= this.statsChunks * 0.1
      ) {
        // The index moved by less than a tenth: its hot set did too. Sizing costs 2–6 ms at 90k
        // chunks, and this runs after every saved file, so only the first call since open fits.
        await fitCache(true)
        return { done: true, lexemes: -1 }
      }
      this.rebuild = new TermStatsRebuild(db, o.sliceRows, this.live)
      this.live = null
    }
    const counted = o.chunks
    let stats: TermStats | null
    try {
      stats = await this.rebuild.step((tx) => setMeta(tx, 'term_stats_chunks', String(counted)))
    } catch (err) {
      this.rebuild = null
      throw err
    }
    if (stats === null) return { done: false, lexemes: 0 }
    this.rebuild = null
    this.stats = stats
    this.statsChunks = counted
    await checkpointIfDue(db())
    await fitCache(false)
    return { done: true, lexemes: stats.size }
  }
}
