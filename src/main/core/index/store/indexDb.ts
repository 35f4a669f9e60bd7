import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { Backlog } from './backlog'
import { writeBatch, writePrepared } from './batchWrite'
import { chunkTexts, hitsByHash, symbolSnippets } from './chunkQueries'
import { symbolsByPrefix } from './symbolLookup'
import { type BatchPart, FileMirror, deleteFileRows } from './fileRows'
import { searchFts } from './ftsSearch'
import { checkRows, chunkList, linkedHashes, verify } from './indexChecks'
import { repairAfter } from './integrity'
import { MIGRATIONS } from './migrations'
import { CACHE_SIZING, type PgCache, checkpointIfDue, closeDatabase, openDatabase } from './pgInstance'
import { prepareBatch } from './prepareBatch'
import type {
  ChunkText,
  FileCandidate,
  FtsArgs,
  IndexBatchResult,
  LexemeCounts,
  OpenResult,
  PendingEmbed,
  PreparedBatch,
  SearchFilter,
  StoreHit,
  StoreStats,
  SymbolHit,
  SymbolSnippet,
  VectorState,
  VerifyResult,
} from './storeTypes'
import { TERM_STATS_SLICE_ROWS, TermCounts } from './termCounts'
import { VectorDb } from './vectorDb'

export { embedText, prepareBatch } from './prepareBatch'

/**
 * The index's database (PGlite with pg_trgm and pgvector): files, chunks, term statistics, the
 * embedding backlog, and the vectors (VectorDb, `vectors`, on the same handle). Runs inside the
 * store worker (see worker.ts) so its synchronous WASM work never blocks the main thread; usable
 * directly in tests.
 *
 * The work is done by one module per concern, each given the PGlite handle: writing batches
 * (batchWrite.ts), the files and their removal (fileRows.ts), the embedding backlog (backlog.ts),
 * term statistics (termCounts.ts), full-text search (ftsSearch.ts), chunk lookups
 * (chunkQueries.ts) and consistency checks (indexChecks.ts). This class holds the handle (which
 * cache sizing may replace) and what it keeps in memory of the committed state.
 */
export class IndexDb {
  private constructor(
    private db: PGlite,
    readonly schemaVersion: number,
    private readonly cache: PgCache,
    /** The `files` table, mirrored. */
    private readonly files: FileMirror,
    /** Rows in `chunks`, kept here: stats() and searches need it, counting is a table scan. */
    private chunkCount: number,
    private readonly backlog: Backlog,
    private readonly terms: TermCounts,
  ) {}

  /** The vector side of this database (set by open, on this object's handle). */
  vectors!: VectorDb

  /**
   * Opens (creating if needed) the database under `dataDir/pg`, or in memory for null. A data
   * directory that fails to open or migrate, or whose tables are found damaged (indexChecks.ts
   * checkRows, integrity.ts), is renamed aside and rebuilt once: the index is derived data, and a
   * crash loop on a bad directory would be worse than a re-index. `fresh`: the full-text tables
   * start empty whatever they hold (`hearth index --force`); the vectors, a cache keyed by chunk
   * text, are kept, so the rebuild embeds nothing it embedded before. The backlog follows the
   * vector side's epoch before this returns (Backlog.sync).
   */
  static async open(
    dataDir: string | null,
    cacheSizing = CACHE_SIZING,
    opts: { fresh?: boolean } = {},
  ): Promise<{ db: IndexDb; result: OpenResult }> {
    const { db, rebuilt, reindexed } = await openDatabase(
      dataDir ? join(dataDir, 'pg') : null,
      cacheSizing,
      MIGRATIONS,
      'index',
      async (pg, version, cache, health) => {
        if (opts.fresh) await clearFullText(pg)
        const files = await FileMirror.load(pg)
        const chunks = await checkRows(pg, health.state === 'unclean')
        const backlog = await Backlog.load(pg)
        await cache.measure(pg)
        const terms = await TermCounts.load(pg, chunks)
        const db = new IndexDb(pg, version, cache, files, chunks, backlog, terms)
        db.vectors = await VectorDb.load({ pg: () => db.db, release: () => db.fitCache(true) })
        await db.syncVectors(db.vectors.current)
        return db
      },
    )
    return {
      db,
      result: {
        stats: db.stats(),
        rebuilt,
        schemaVersion: db.schemaVersion,
        ...(reindexed.length > 0 ? { reindexed } : {}),
      },
    }
  }

  /**
   * After a query failed: if it failed on damage, the damaged index is rebuilt and true returned
   * (the query can run again); a damaged table throws StoreDamage (the caller starts the database
   * over). Anything else is rethrown.
   */
  async repairAfter(err: unknown): Promise<true> {
    return repairAfter(this.db, err)
  }

  /** The data directory of this database (null: in memory). */
  get pgDir(): string | null {
    return this.cache.pgDir
  }

  /**
   * Sizes Postgres' buffer cache to what searches read (PgCache): the GIN index, the lookup
   * indexes, the vector index, and a share of the chunk and vector rows. `release`: restart
   * anyway (after a vector index build, to give back its memory).
   */
  private async fitCache(release = false): Promise<void> {
    this.db = await this.cache.fit(
      this.db,
      [
        'chunks_tsv',
        'chunks_hash',
        'chunks_pkey',
        'vec_hashes_pkey',
        'embeddings_pkey',
        ...(this.vectors?.indexNames() ?? []),
      ],
      ['chunks', 'embeddings'],
      release,
    )
  }

  fileStates(): { path: string; size: number; mtimeMs: number; hash: string }[] {
    return this.files.list()
  }

  /**
   * Indexes a batch of files in ONE transaction: each file's row and its chunks commit together,
   * so a killed process leaves either the old version or the new one, never half a file.
   */
  async indexFiles(root: string, files: FileCandidate[], force = false): Promise<IndexBatchResult> {
    return this.writePrepared(prepareBatch(root, files, (p) => this.files.get(p), force))
  }

  /** Writes what prepareBatch produced (possibly in another thread) in one transaction. */
  async writePrepared(batch: PreparedBatch): Promise<IndexBatchResult> {
    return writePrepared(
      batch,
      (part, df) => this.write(part, df),
      () => this.terms.stopLive(),
    )
  }

  private async write(part: BatchPart, df: LexemeCounts | null): Promise<void> {
    const done = await writeBatch(this.db, part, {
      withLexemes: this.terms.countingLive,
      queueVectors: this.backlog.current !== null,
    })
    // Only after COMMIT: the in-memory mirror follows what is durable.
    this.files.applyWrite(part)
    this.chunkCount += done.chunkDelta
    this.backlog.queued(done.queued)
    this.terms.uncount(done.removedLexemes)
    if (df) this.terms.count(df)
    await checkpointIfDue(this.db)
  }

  async deleteFiles(paths: string[]): Promise<number> {
    const known = this.files.known(paths)
    if (known.length === 0) return 0
    const del = await deleteFileRows(this.db, known, this.terms.countingLive)
    this.files.forget(known)
    this.chunkCount -= del.count
    this.terms.uncount(del.lexemes)
    return known.length
  }

  /** Follows the vector side's epoch and embedder (Backlog.sync). */
  async syncVectors(state: VectorState): Promise<{ reset: boolean }> {
    return this.backlog.sync(this.db, state)
  }

  /**
   * Chooses the embedder: the vector side starts a new epoch if it changed, and the backlog
   * follows it (every chunk text queued again; those with a vector already leave it at the next
   * read, IndexStore.unembedded).
   */
  async setEmbedder(id: string, dimensions: number): Promise<{ reset: boolean }> {
    return this.syncVectors(await this.vectors.setEmbedder(id, dimensions))
  }

  /** The next texts to embed; hashes whose chunks were all deleted are dropped from the backlog. */
  async pendingEmbeds(limit: number): Promise<PendingEmbed[]> {
    return this.backlog.next(this.db, limit)
  }

  /** Backlog entries whose chunks belong to `paths`. */
  async pendingEmbedsFor(limit: number, paths: string[]): Promise<PendingEmbed[]> {
    return this.backlog.nextFor(this.db, limit, paths)
  }

  /** `embedded` have a vector now, `dropped` never will: both leave the backlog (how many did). */
  async markEmbedded(embedded: string[], dropped: string[]): Promise<number> {
    return this.backlog.markEmbedded(this.db, embedded, dropped)
  }

  /** Full-text search with IDF weighting (ftsSearch.ts). */
  async searchFts(args: FtsArgs): Promise<StoreHit[]> {
    const { ndoc, counted } = this.terms
    return searchFts(this.db, args, { ndoc, counted, chunks: this.chunkCount })
  }

  /** For filtered searches: the chunks of the nearest hashes (chunkQueries.ts). */
  async hitsByHash(
    hashes: string[],
    distances: number[],
    limit: number,
    filter?: SearchFilter,
  ): Promise<StoreHit[]> {
    return hitsByHash(this.db, hashes, distances, limit, filter)
  }

  /** The chunks search shows, by id and by text hash (chunkQueries.ts). */
  async chunkTexts(ids: number[], hashes: string[] = []): Promise<ChunkText[]> {
    return chunkTexts(this.db, ids, hashes)
  }

  /**
   * Recomputes document frequencies. `ifStale`: only when the chunk count moved by more than 10 %
   * since the last refresh (stale IDF shifts ranking a little; recomputing is a full scan).
   */
  async refreshTermStats(ifStale = false, sliceRows = TERM_STATS_SLICE_ROWS): Promise<{ lexemes: number }> {
    for (;;) {
      const r = await this.refreshTermStatsStep(ifStale, sliceRows)
      if (r.done) return { lexemes: r.lexemes }
    }
  }

  /**
   * One bounded step of refreshTermStats, so the store worker answers searches in between (the
   * caller repeats it until `done`; TermCounts.step). `lexemes` is -1 when none was due.
   */
  async refreshTermStatsStep(
    ifStale = false,
    sliceRows = TERM_STATS_SLICE_ROWS,
  ): Promise<{ done: boolean; lexemes: number }> {
    return this.terms.step(
      () => this.db,
      { chunks: this.chunkCount, ifStale, sliceRows },
      async (unlessFitted) => {
        if (!unlessFitted || !this.cache.fitted) await this.fitCache()
      },
    )
  }

  /** The document frequencies searches use now (as of the last recount). */
  documentFrequencies(): ReadonlyMap<string, number> {
    return this.terms.ndoc
  }

  /** Chunks that declare any of `names` (exact), for completion context. */
  async symbolSnippets(
    names: string[],
    excludePath: string | undefined,
    limit: number,
  ): Promise<SymbolSnippet[]> {
    return symbolSnippets(this.db, names, excludePath, limit)
  }

  /** Declared names by prefix, for the chat's @symbol picker (symbolLookup.ts). */
  symbolsByPrefix(prefix: string, limit: number): Promise<SymbolHit[]> {
    return symbolsByPrefix(this.db, prefix, limit)
  }

  stats(): StoreStats {
    const embedder = this.backlog.current
    return {
      files: this.files.size,
      chunks: this.chunkCount,
      pending: embedder ? this.backlog.size : this.chunkCount,
      embedder: embedder?.id ?? null,
      dimensions: embedder?.dimensions ?? null,
      cacheMb: this.cache.kb / 1024,
    }
  }

  /** A file row says how many chunks it committed with; any difference means a torn write. */
  async verify(): Promise<VerifyResult> {
    return verify(this.db, this.backlog.size, this.backlog.current !== null)
  }

  /** Chunk texts recorded as having a vector (verify checks they do). */
  async linkedHashes(): Promise<string[]> {
    return linkedHashes(this.db)
  }

  async chunkList(): Promise<{ path: string; startLine: number; endLine: number; hash: string }[]> {
    return chunkList(this.db)
  }

  /** `clean`: record a clean close (integrity.ts); false for a database about to be set aside. */
  async close(clean = true): Promise<void> {
    if (clean) await closeDatabase(this.db, this.cache.pgDir)
    else await this.db.close()
  }
}

/**
 * Empties the full-text tables and the backlog for a forced rebuild (`fresh`), in one
 * transaction; the vectors and the schema stay. TRUNCATE gives the tables new, empty files: the
 * old rows' space goes back to the disk at once.
 */
async function clearFullText(pg: PGlite): Promise<void> {
  await pg.transaction(async (tx) => {
    await tx.query('TRUNCATE files, chunks, pending, vec_hashes')
    await tx.query(`DELETE FROM meta WHERE key NOT LIKE 'vectors\\_%'`)
  })
}
