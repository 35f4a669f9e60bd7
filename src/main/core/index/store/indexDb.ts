import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { chunkFile, chunkHash } from '../chunker'
import { identifierTokens, pathWords } from '../../text/identifiers'
import { LexemeCollector, lexemeOf, lexemeList, tokenLexemes } from '../lexemes'
import { languageOf } from '../../text/language'
import { readSource } from '../sourceFile'
import { BINARY_ARRAYS, tsvectorBinary } from './binaryArrays'
import { MIGRATIONS } from './migrations'
import {
  CACHE_SIZING,
  type PgCache,
  checkpointIfDue,
  count,
  getMeta,
  openDatabase,
  setMeta,
} from './pgInstance'
import { TERM_STATS_KEY, TermStats, TermStatsRebuild } from './termStatsRebuild'
import type {
  ChunkText,
  FileCandidate,
  FtsArgs,
  PreparedBatch,
  PreparedChunk,
  IndexBatchResult,
  LexemeCounts,
  OpenResult,
  PendingEmbed,
  SearchFilter,
  StoreHit,
  StoreStats,
  SymbolSnippet,
  VectorState,
  VerifyResult,
} from './protocol'

interface FileState {
  hash: string
  size: number
  mtimeMs: number
}

/** What the embedder sees for a chunk: its path (a strong signal for code) and its text. */
export const embedText = (path: string, text: string): string => `${path}\n${text}`

// Field weights of a matched term: names (path, declared symbols) and body words. They were
// ts_rank's label weights A and D when the tsvector carried labels; ts_rank's constant (π²/6) is
// kept below so scores stay on the scale fusion was tuned on.
const NAME_WEIGHT = '1.0::float8'
const BODY_WEIGHT = '0.1::float8'
/** ts_rank's constant over ln 2: its length normalisation is log2(1 + length). */
const LOG2_RANK_SPREAD = `${1.64493406685 / Math.LN2}::float8`
/** Chunks counted per step of a term-statistics refresh: ≈0.15 s of store time each at 90k chunks. */
const TERM_STATS_SLICE_ROWS = 2500
/** Most rows (by document frequency) the FTS candidate terms may select; see searchFts. */
const FTS_CANDIDATE_BUDGET = 500
/** Most query terms ranked per candidate (by IDF × weight); see searchFts. */
const MAX_SCORING_TERMS = 10
/** Hard cap on rows ranked per FTS query, whatever the terms. */
const FTS_CANDIDATE_CAP = 3000

type Row = Record<string, unknown>

/**
 * The index's full-text database (PGlite with pg_trgm): files, chunks, term statistics, the
 * embedding backlog; the vectors are in VectorDb. Runs inside the store worker (see worker.ts) so
 * its synchronous WASM work never blocks the main thread; usable directly in tests.
 */
export class IndexDb {
  private states = new Map<string, FileState>()
  private embedder: { id: string; dimensions: number } | null = null
  private chunkCount = 0
  /**
   * Rows in `pending`, kept here like chunkCount: every search asks stats() whether vectors are
   * ready, and counting the table (bloated by deletes: single-user Postgres never autovacuums) was
   * a millisecond or more of each query.
   */
  private pendingCount = 0
  private statsChunkCount = 0
  /**
   * Document frequency of every lexeme in `chunks`, kept as rows are written and deleted, only
   * while it is known exactly: from an empty table on. The next recount writes these instead of
   * counting the table again (on a first index that recount was ≈1.8 s of a 4,000-file pass's
   * 10, all on the store worker). Handed to that recount and dropped: later recounts count.
   */
  private liveDf: Map<string, number> | null = null
  /** The vector database's epoch that `vec_hashes` and `pending` were last synced with. */
  private vectorEpoch: string | null = null
  /** A term-statistics recount in progress (refreshTermStatsStep), between two of its steps. */
  private statsRebuild: TermStatsRebuild | null = null
  /** Document frequencies as of the last recount (meta `term_stats`), what searches weigh terms by. */
  private termStats = TermStats.empty

  private constructor(
    private db: PGlite,
    readonly schemaVersion: number,
    private readonly cache: PgCache,
  ) {}

  /**
   * Opens (creating if needed) the database under `dataDir/pg`, or in memory for null. A data
   * directory that fails to open or migrate is renamed aside and rebuilt once: the index is derived
   * data, and a crash loop on a bad directory would be worse than a re-index.
   */
  static async open(
    dataDir: string | null,
    cacheSizing = CACHE_SIZING,
  ): Promise<{ db: IndexDb; result: OpenResult }> {
    const { db, rebuilt } = await openDatabase(
      dataDir ? join(dataDir, 'pg') : null,
      cacheSizing,
      MIGRATIONS,
      'index',
      async (pg, version, cache) => {
        const db = new IndexDb(pg, version, cache)
        await db.load()
        return db
      },
    )
    return { db, result: { stats: db.stats(), rebuilt, schemaVersion: db.schemaVersion } }
  }

  /**
   * Sizes Postgres' buffer cache to what full-text searches read (PgCache): the GIN index, the
   * lookup indexes, and a share of the chunk rows.
   */
  private async fitCache(): Promise<void> {
    this.db = await this.cache.fit(
      this.db,
      ['chunks_tsv', 'chunks_hash', 'chunks_pkey', 'vec_hashes_pkey'],
      ['chunks'],
    )
  }

  private async load(): Promise<void> {
    const files = await this.db.query<{ path: string; hash: string; size: string; mtime_ms: number }>(
      'SELECT path, hash, size::text AS size, mtime_ms FROM files',
    )
    this.states = new Map(
      files.rows.map((r) => [r.path, { hash: r.hash, size: Number(r.size), mtimeMs: r.mtime_ms }]),
    )
    this.chunkCount = await this.count('SELECT count(*)::int AS n FROM chunks')
    if (this.chunkCount === 0) this.liveDf = new Map()
    this.pendingCount = await this.count('SELECT count(*)::int AS n FROM pending')
    await this.cache.measure(this.db)
    this.statsChunkCount = Number((await getMeta(this.db, 'term_stats_chunks')) ?? 0)
    this.termStats = TermStats.parse(await getMeta(this.db, TERM_STATS_KEY))
    // Chunks but no statistics (a damaged entry): the next refresh recounts, however little moved.
    if (this.termStats.size === 0 && this.chunkCount > 0) this.statsChunkCount = 0
    const emb = await getMeta(this.db, 'embedder')
    if (emb) this.embedder = JSON.parse(emb) as { id: string; dimensions: number }
    this.vectorEpoch = await getMeta(this.db, 'vector_epoch')
  }

  private count(sql: string): Promise<number> {
    return count(this.db, sql)
  }

  fileStates(): { path: string; size: number; mtimeMs: number; hash: string }[] {
    return [...this.states].map(([path, s]) => ({ path, ...s }))
  }

  /**
   * Indexes a batch of files in ONE transaction: each file's row and its chunks commit together,
   * so a killed process leaves either the old version or the new one, never half a file.
   */
  async indexFiles(root: string, files: FileCandidate[], force = false): Promise<IndexBatchResult> {
    return this.writePrepared(prepareBatch(root, files, (p) => this.states.get(p), force))
  }

  /** Writes what prepareBatch produced (possibly in another thread) in one transaction. */
  async writePrepared(batch: PreparedBatch): Promise<IndexBatchResult> {
    const res: IndexBatchResult = { ...batch.result, skipped: [...batch.result.skipped] }
    const { touchOnly, toRemove } = batch
    const prepared = [...batch.prepared]
    if (prepared.length === 0 && touchOnly.length === 0 && toRemove.length === 0) return res
    try {
      await this.writeBatch(prepared, touchOnly, toRemove, batch.df)
    } catch (err) {
      if (prepared.length <= 1) throw err
      // One bad file must not fail its neighbours: retry one by one and report the culprit. The
      // batch's lexeme counts cover every file of it, so live counting stops here and the pass
      // ends with a recount from the chunks themselves (refreshTermStatsStep).
      this.liveDf = null
      const ok: typeof prepared = []
      for (const p of prepared) {
        try {
          await this.writeBatch([p], [], [], null)
          ok.push(p)
        } catch (e) {
          res.skipped.push({
            path: p.cand.path,
            reason: `store error: ${e instanceof Error ? e.message : String(e)}`,
          })
        }
      }
      await this.writeBatch([], touchOnly, toRemove, null)
      prepared.splice(0, prepared.length, ...ok)
    }
    for (const p of prepared) {
      res.indexed++
      res.chunks += p.rows.length
    }
    res.removed = toRemove.length
    return res
  }

  private async writeBatch(
    prepared: PreparedBatch['prepared'],
    touchOnly: FileCandidate[],
    toRemove: string[],
    df: LexemeCounts | null,
  ): Promise<void> {
    const paths = prepared.map((p) => p.cand.path)
    let delta = 0
    let queued = 0
    let removed: string[] = []
    await this.db.transaction(async (tx) => {
      const gone = [...paths, ...toRemove]
      if (gone.length > 0) {
        const del = await this.deleteChunks(tx, gone)
        delta -= del.count
        removed = del.lexemes
        await tx.query('DELETE FROM files WHERE path = ANY($1::text[])', [gone], BINARY_ARRAYS)
      }
      if (prepared.length > 0) {
        await tx.query(
          `INSERT INTO files (path, hash, size, mtime_ms, language, chunks)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::text[], $6::int[])`,
          [
            paths,
            prepared.map((p) => p.hash),
            prepared.map((p) => p.cand.size),
            prepared.map((p) => p.cand.mtimeMs),
            prepared.map((p) => languageOf(p.cand.path).id),
            prepared.map((p) => p.rows.length),
          ],
          BINARY_ARRAYS,
        )
        const rows = prepared.flatMap((p) => p.rows)
        for (let i = 0; i < rows.length; i += 2000) {
          const part = rows.slice(i, i + 2000)
          await tx.query(
            `INSERT INTO chunks (path, start_line, end_line, language, hash, symbols, content, tsv, ntsv)
             SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
                                  $8::tsvector[], $9::tsvector[])`,
            [
              part.map((r) => r.path),
              part.map((r) => r.startLine),
              part.map((r) => r.endLine),
              part.map((r) => r.language),
              part.map((r) => r.hash),
              part.map((r) => r.symbols),
              part.map((r) => r.content),
              part.map((r) => r.tsv),
              part.map((r) => r.ntsv),
            ],
            BINARY_ARRAYS,
          )
          delta += part.length
          queued += await this.linkVectors(
            tx,
            part.map((r) => r.hash),
          )
        }
      }
      if (touchOnly.length > 0) {
        await tx.query(
          `UPDATE files f SET size = u.size, mtime_ms = u.mtime FROM unnest($1::text[], $2::bigint[], $3::float8[]) AS u(path, size, mtime)
           WHERE f.path = u.path`,
          [touchOnly.map((t) => t.path), touchOnly.map((t) => t.size), touchOnly.map((t) => t.mtimeMs)],
          BINARY_ARRAYS,
        )
      }
    })
    // Only after COMMIT: the in-memory mirror follows what is durable.
    for (const p of toRemove) this.states.delete(p)
    for (const p of prepared)
      this.states.set(p.cand.path, { hash: p.hash, size: p.cand.size, mtimeMs: p.cand.mtimeMs })
    for (const t of touchOnly) {
      const s = this.states.get(t.path)
      if (s) this.states.set(t.path, { ...s, size: t.size, mtimeMs: t.mtimeMs })
    }
    this.chunkCount += delta
    this.pendingCount += queued
    this.countLexemes(removed, -1)
    if (df) this.addCounts(df)
    await checkpointIfDue(this.db)
  }

  /**
   * Deletes the chunks of `paths`; returns how many, and their lexeme lists while liveDf counts
   * (otherwise none: the rows need not cross the thread for nothing).
   */
  private async deleteChunks(
    tx: Pick<PGlite, 'query'>,
    paths: string[],
  ): Promise<{ count: number; lexemes: string[] }> {
    if (this.liveDf) {
      const r = await tx.query<{ l: string }>(
        `DELETE FROM chunks WHERE path = ANY($1::text[]) RETURNING array_to_string(tsvector_to_array(tsv), ' ') AS l`,
        [paths],
        BINARY_ARRAYS,
      )
      return { count: r.rows.length, lexemes: r.rows.map((x) => x.l) }
    }
    const r = await tx.query<{ n: number }>(
      'WITH d AS (DELETE FROM chunks WHERE path = ANY($1::text[]) RETURNING 1) SELECT count(*)::int AS n FROM d',
      [paths],
      BINARY_ARRAYS,
    )
    return { count: r.rows[0]?.n ?? 0, lexemes: [] }
  }

  /** Adds `sign` to liveDf for each lexeme of each chunk's list (after COMMIT only). */
  private countLexemes(lists: string[], sign: 1 | -1): void {
    const df = this.liveDf
    if (!df) return
    for (const list of lists) for (const l of list.split(' ')) if (l) df.set(l, (df.get(l) ?? 0) + sign)
  }

  /** Adds a written batch's document frequencies to liveDf (after COMMIT only). */
  private addCounts(batch: LexemeCounts): void {
    const df = this.liveDf
    if (!df || batch.counts.length === 0) return
    const lexemes = batch.lexemes.split(' ')
    if (lexemes.length !== batch.counts.length) {
      // A malformed batch cannot be counted: the end of the pass recounts from the chunks.
      this.liveDf = null
      return
    }
    for (let i = 0; i < lexemes.length; i++) {
      const l = lexemes[i] as string
      df.set(l, (df.get(l) ?? 0) + (batch.counts[i] as number))
    }
  }

  /**
   * New chunk hashes without a vector in the vector database are queued (the embedding queue looks
   * in the vector cache before it embeds: IndexStore). Returns how many were queued.
   */
  private async linkVectors(tx: Pick<PGlite, 'query'>, hashes: string[]): Promise<number> {
    if (!this.embedder) return 0
    const r = await tx.query<{ n: number }>(
      `WITH q AS (INSERT INTO pending (hash) SELECT DISTINCT h FROM unnest($1::text[]) AS h
       WHERE NOT EXISTS (SELECT 1 FROM vec_hashes v WHERE v.hash = h) ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM q`,
      [hashes],
      BINARY_ARRAYS,
    )
    return r.rows[0]?.n ?? 0
  }

  async deleteFiles(paths: string[]): Promise<number> {
    const known = paths.filter((p) => this.states.has(p))
    if (known.length === 0) return 0
    let del = { count: 0, lexemes: [] as string[] }
    await this.db.transaction(async (tx) => {
      del = await this.deleteChunks(tx, known)
      await tx.query('DELETE FROM files WHERE path = ANY($1::text[])', [known], BINARY_ARRAYS)
    })
    for (const p of known) this.states.delete(p)
    this.chunkCount -= del.count
    this.countLexemes(del.lexemes, -1)
    return known.length
  }

  /**
   * Follows the vector database (IndexStore calls this after opening it and after choosing an
   * embedder there): a new epoch means its vectors started over, so every chunk text is queued
   * again. Same epoch and embedder: nothing to do.
   */
  async syncVectors(state: VectorState): Promise<{ reset: boolean }> {
    const e = state.embedder
    if (
      state.epoch === this.vectorEpoch &&
      e?.id === this.embedder?.id &&
      e?.dimensions === this.embedder?.dimensions
    )
      return { reset: false }
    let queued = 0
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM vec_hashes')
      await tx.query('DELETE FROM pending')
      if (e) {
        const q = await tx.query<{ n: number }>(
          `WITH q AS (INSERT INTO pending (hash) SELECT DISTINCT hash FROM chunks RETURNING 1)
           SELECT count(*)::int AS n FROM q`,
        )
        queued = q.rows[0]?.n ?? 0
        await setMeta(tx, 'embedder', JSON.stringify(e))
      } else await tx.query(`DELETE FROM meta WHERE key = 'embedder'`)
      await setMeta(tx, 'vector_epoch', state.epoch)
    })
    this.embedder = e ? { id: e.id, dimensions: e.dimensions } : null
    this.vectorEpoch = state.epoch
    this.pendingCount = queued
    return { reset: true }
  }

  /** The next texts to embed; hashes whose chunks were all deleted are dropped from the backlog. */
  async pendingEmbeds(limit: number): Promise<PendingEmbed[]> {
    if (!this.embedder) return []
    const r = await this.db.query<{ hash: string; path: string | null; content: string | null }>(
      `SELECT p.hash, c.path, c.content FROM (SELECT hash FROM pending LIMIT $1) p
       LEFT JOIN LATERAL (SELECT path, content FROM chunks k WHERE k.hash = p.hash LIMIT 1) c ON true`,
      [limit],
    )
    const orphans = r.rows.filter((x) => x.path === null).map((x) => x.hash)
    if (orphans.length > 0) this.pendingCount -= await this.unqueue(this.db, orphans)
    const live = r.rows.filter((x) => x.path !== null)
    if (live.length === 0 && orphans.length > 0) return this.pendingEmbeds(limit)
    return live.map((x) => ({ hash: x.hash, text: embedText(x.path ?? '', x.content ?? '') }))
  }

  /** Backlog entries whose chunks belong to `paths` (driven from chunks_path, not a backlog scan). */
  async pendingEmbedsFor(limit: number, paths: string[]): Promise<PendingEmbed[]> {
    if (!this.embedder || paths.length === 0) return []
    const r = await this.db.query<{ hash: string; path: string; content: string }>(
      `SELECT DISTINCT ON (k.hash) k.hash, k.path, k.content FROM chunks k
       JOIN pending p ON p.hash = k.hash WHERE k.path = ANY($2::text[]) LIMIT $1`,
      [limit, paths],
    )
    return r.rows.map((x) => ({ hash: x.hash, text: embedText(x.path, x.content) }))
  }

  /**
   * Bookkeeping after the vector database stored (or found) vectors: `embedded` have one now,
   * `dropped` got none and never will (the embedder returned nothing usable), so neither stays in
   * the backlog. Returns how many left the backlog.
   */
  async markEmbedded(embedded: string[], dropped: string[]): Promise<number> {
    if (embedded.length === 0 && dropped.length === 0) return 0
    let done = 0
    await this.db.transaction(async (tx) => {
      if (embedded.length > 0)
        await tx.query(
          'INSERT INTO vec_hashes (hash) SELECT h FROM unnest($1::text[]) AS h ON CONFLICT DO NOTHING',
          [embedded],
        )
      done = await this.unqueue(tx, [...embedded, ...dropped])
    })
    this.pendingCount -= done
    return done
  }

  /** Removes hashes from the backlog; returns how many were there. */
  private async unqueue(tx: Pick<PGlite, 'query'>, hashes: string[]): Promise<number> {
    const r = await tx.query<{ n: number }>(
      'WITH d AS (DELETE FROM pending WHERE hash = ANY($1::text[]) RETURNING 1) SELECT count(*)::int AS n FROM d',
      [hashes],
    )
    return r.rows[0]?.n ?? 0
  }

  /**
   * Full-text search with IDF weighting: how rare a term is matters for natural-language queries
   * ("returns the array of unique values": "array" is everywhere), and Postgres' ts_rank does not
   * know it. Per term: field weight (name or body) × BM25 IDF, summed, normalised by chunk length.
   */
  async searchFts(args: FtsArgs): Promise<StoreHit[]> {
    if (args.terms.length === 0) return []
    // Lexemes, made the way the index made its own (lexemes.ts), and their document frequency.
    const weightOf = new Map<string, number>()
    for (const t of args.terms)
      for (const tok of identifierTokens(t.text)) {
        const l = lexemeOf(tok.toLowerCase().replace(/[_$]+/g, ''))
        if (l) weightOf.set(l, Math.max(weightOf.get(l) ?? 0, t.weight))
      }
    if (weightOf.size === 0) return []
    const dfOf = this.termStats.ndoc
    const n = Math.max(1, this.statsChunkCount || this.chunkCount)
    const haveStats = this.statsChunkCount > 0
    const terms = [...weightOf.keys()].flatMap((l) => {
      const d = Math.min(n, dfOf.get(l) ?? 0)
      const weight = weightOf.get(l) ?? 0
      // An expansion (abbreviation, identifier part) the corpus never uses costs two tests per
      // candidate for nothing. Typed words stay even then: they may be newer than the statistics.
      if (haveStats && d === 0 && weight < 1) return []
      const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5))
      return [{ l, w: weight * idf, d }]
    })
    if (terms.length === 0) return []
    // Each scoring term is tested on every candidate: keep the ones that weigh most.
    terms.sort((a, b) => b.w - a.w)
    terms.splice(MAX_SCORING_TERMS)
    // Candidates come from the rarest terms, up to a budget of matching rows: common terms add
    // little to the ranking but would put most of a large index through ts_rank. They still score
    // every candidate; a chunk matching only very common terms is not a candidate.
    const byRarity = [...terms].sort((a, b) => a.d - b.d)
    const selected: typeof terms = []
    let rows = 0
    for (const t of byRarity) {
      if (selected.length > 0 && (rows + t.d > FTS_CANDIDATE_BUDGET || t.d >= n / 3)) break
      selected.push(t)
      rows += t.d
    }
    // Even the rarest term is common (a query of everyday words): candidates must hold the three
    // rarest together, which is what such a query means anyway. If that leaves too few, the rest
    // come from chunks holding at least two of them (the rarer one for a two-word query), capped at
    // the budget: ranking every chunk that holds one everyday word was most of the slowest
    // queries' time at 90k chunks (docs/BENCHMARKS.md "## Index").
    const first = selected[0]
    const allCommon = first !== undefined && first.d > FTS_CANDIDATE_BUDGET && byRarity.length > 1
    const rarest = byRarity.slice(0, 3).map((t) => quoteLexeme(t.l))
    const candidateQuery = allCommon ? rarest.join(' & ') : selected.map((t) => quoteLexeme(t.l)).join(' | ')
    // Each term scores its weight × IDF × the weight of the field it is in (a name 1, the body 0.1)
    // over 1.645 × log2(1 + the chunk's lexemes + its names' lexemes): what ts_rank(weights, tsv,
    // term, 1) gave on the tsvector with positions and labels this index had before, where a word
    // of a name had a position as a name and another in the body (docs/ARCHITECTURE.md). The
    // tsvector is detoasted ONCE per row (the `|| ''` inside an OFFSET 0 subquery), not per term.
    // Content is fetched for the winners only. The candidate cap bounds the worst case.
    // All float8: a numeric literal would make this arbitrary-precision arithmetic (`log(2.0, x)`
    // is numeric), which measured slower than the rest of the query.
    const fieldSql = (q: string): string =>
      `(CASE WHEN s.n @@ ${q} THEN ${NAME_WEIGHT} WHEN s.v @@ ${q} THEN ${BODY_WEIGHT} ELSE 0 END)`
    const scoreSql = `(${terms
      .map((_, i) => `$${i * 2 + 2}::float8 * ${fieldSql(`$${i * 2 + 3}::tsquery`)}`)
      .join(' + ')}) / (${LOG2_RANK_SPREAD} * ln((length(s.v) + length(s.n) + 1)::float8))`
    const termParams = terms.flatMap((t) => [t.w, quoteLexeme(t.l)])
    const { clause, params } = filterSql(args.filter, 2 + termParams.length)
    const run = (candidates: string, cap: number): Promise<{ rows: Row[] }> =>
      this.db.query<Row>(
        `WITH top AS (
           SELECT s.id, ${scoreSql} AS score
           FROM (SELECT c.id, c.tsv || ''::tsvector AS v, c.ntsv AS n FROM chunks c WHERE c.tsv @@ $1::tsquery ${clause}
                 LIMIT ${cap} OFFSET 0) s
           ORDER BY score DESC, s.id LIMIT ${Math.trunc(args.limit)})
         SELECT c.id::int AS id, c.path, c.start_line, c.end_line, c.language, c.hash, top.score
         FROM top JOIN chunks c ON c.id = top.id ORDER BY top.score DESC, c.id`,
        [candidates, ...termParams, ...params],
      )
    const r = await run(candidateQuery, FTS_CANDIDATE_CAP)
    if (allCommon && r.rows.length < args.limit) {
      const more = await run(atLeastTwoOf(rarest), FTS_CANDIDATE_BUDGET)
      const seen = new Set(r.rows.map((x) => Number(x.id)))
      const merged = [...r.rows, ...more.rows.filter((x) => !seen.has(Number(x.id)))]
      merged.sort((a, b) => Number(b.score) - Number(a.score) || Number(a.id) - Number(b.id))
      return merged.slice(0, args.limit).map(toHit)
    }
    return r.rows.map(toHit)
  }

  /**
   * For filtered searches: the chunks of the vector database's nearest hashes (a text may be in
   * several chunks, a hash may belong to no chunk any more), filtered, nearest first, scored
   * 1 − cosine distance. Unfiltered searches map only the hashes they show (chunkTexts).
   */
  async hitsByHash(
    hashes: string[],
    distances: number[],
    limit: number,
    filter?: SearchFilter,
  ): Promise<StoreHit[]> {
    if (hashes.length === 0) return []
    const { clause, params } = filterSql(filter, 3)
    // One index lookup per hash (LATERAL): as a plain join, Postgres without statistics on
    // `chunks` (single-user: no autovacuum, so never analysed) chose a hash join over a full scan
    // of the table, 80–190 ms at 90k chunks instead of ≈1.
    const r = await this.db.query<Row>(
      `SELECT m.id::int AS id, m.path, m.start_line, m.end_line, m.language, nn.hash, 1 - nn.d AS score
       FROM unnest($1::text[], $2::float8[]) AS nn(hash, d)
       CROSS JOIN LATERAL (SELECT c.id, c.path, c.start_line, c.end_line, c.language FROM chunks c
                           WHERE c.hash = nn.hash ${clause} LIMIT ${Math.trunc(limit)}) m
       ORDER BY nn.d, m.id LIMIT ${Math.trunc(limit)}`,
      [hashes, distances, ...params],
    )
    return r.rows.map(toHit)
  }

  /**
   * The chunks search shows: by id (ranked by full text), and by text hash (found only by the
   * vector side; a text may be in several chunks). One request for both, after fusion: mapping
   * every nearest hash to its chunks before fusion (hitsByHash) was 4.9 ms p50 / 9.7 ms p95 of a
   * hybrid search at 89k chunks, on the same worker as the full-text query it waited behind.
   */
  async chunkTexts(ids: number[], hashes: string[] = []): Promise<ChunkText[]> {
    if (ids.length === 0 && hashes.length === 0) return []
    const cols = 'c.id::int AS id, c.path, c.start_line, c.end_line, c.language, c.hash, c.content, c.symbols'
    // One index lookup per hash (LATERAL), as in hitsByHash: a plain `hash = ANY(...)` has no
    // statistics to go by and turns into a full scan as the list grows. No ORDER BY inside: with
    // `ORDER BY id LIMIT 8` the planner walked the primary key filtering on hash (≈1.5 s at 89k
    // chunks); the chunks of one hash are put in id order below.
    const r = await this.db.query<{
      id: number
      path: string
      start_line: number
      end_line: number
      language: string
      hash: string
      content: string
      symbols: string | null
    }>(
      `SELECT ${cols} FROM chunks c WHERE c.id = ANY($1::bigint[])
       UNION ALL
       SELECT m.* FROM unnest($2::text[]) AS h(hash)
       CROSS JOIN LATERAL (SELECT ${cols} FROM chunks c WHERE c.hash = h.hash LIMIT 8) m`,
      [ids, hashes],
    )
    const seen = new Set<number>()
    r.rows.sort((a, b) => a.id - b.id)
    return r.rows.flatMap((x) => {
      if (seen.has(x.id)) return []
      seen.add(x.id)
      return [
        {
          id: x.id,
          path: x.path,
          startLine: x.start_line,
          endLine: x.end_line,
          language: x.language,
          hash: x.hash,
          content: x.content,
          symbols: x.symbols ? x.symbols.split(' ') : [],
        },
      ]
    })
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
   * caller repeats it until `done`): the first step decides whether a recount is due, each step
   * after counts one slice of chunks (termStatsRebuild.ts). `lexemes` is -1 when none was due.
   */
  async refreshTermStatsStep(
    ifStale = false,
    sliceRows = TERM_STATS_SLICE_ROWS,
  ): Promise<{ done: boolean; lexemes: number }> {
    if (!this.statsRebuild) {
      // After a batch of writes, merge GIN's pending list into the index: searches scan the
      // pending list linearly, which slows full-text queries on a freshly built index.
      await this.db.query(`SELECT gin_clean_pending_list('chunks_tsv'::regclass)`)
      if (
        ifStale &&
        this.statsChunkCount > 0 &&
        Math.abs(this.chunkCount - this.statsChunkCount) <= this.statsChunkCount * 0.1
      ) {
        // The index moved by less than a tenth: its hot set did too. Sizing costs 2–6 ms at 90k
        // chunks, and this runs after every saved file, so only the first call since open fits.
        if (!this.cache.fitted) await this.fitCache()
        return { done: true, lexemes: -1 }
      }
      this.statsRebuild = new TermStatsRebuild(() => this.db, sliceRows, this.liveDf)
      this.liveDf = null
    }
    const counted = this.chunkCount
    let stats: TermStats | null
    try {
      stats = await this.statsRebuild.step((tx) => setMeta(tx, 'term_stats_chunks', String(counted)))
    } catch (err) {
      this.statsRebuild = null
      throw err
    }
    if (stats === null) return { done: false, lexemes: 0 }
    this.statsRebuild = null
    this.termStats = stats
    this.statsChunkCount = counted
    await checkpointIfDue(this.db)
    await this.fitCache()
    return { done: true, lexemes: stats.size }
  }

  /** The document frequencies searches use now (as of the last recount). */
  documentFrequencies(): ReadonlyMap<string, number> {
    return this.termStats.ndoc
  }

  /** Chunks that declare any of `names` (exact), for completion context. */
  async symbolSnippets(
    names: string[],
    excludePath: string | undefined,
    limit: number,
  ): Promise<SymbolSnippet[]> {
    const wanted = [...new Set(names.filter((n) => n.length > 2))].slice(0, 50)
    if (wanted.length === 0) return []
    const r = await this.db.query<{
      path: string
      start_line: number
      end_line: number
      content: string
      symbols: string
    }>(
      // The expression and the condition of the chunks_symbols index, so it is used.
      `SELECT path, start_line, end_line, content, symbols FROM chunks
       WHERE string_to_array(symbols, ' ') && $1::text[] AND symbols <> '' AND path IS DISTINCT FROM $2
       ORDER BY length(content) LIMIT ${Math.trunc(limit) * 3}`,
      [wanted, excludePath ?? null],
      BINARY_ARRAYS,
    )
    const out: SymbolSnippet[] = []
    for (const row of r.rows) {
      const symbol = row.symbols.split(' ').find((s) => wanted.includes(s))
      if (!symbol) continue
      out.push({
        path: row.path,
        startLine: row.start_line,
        endLine: row.end_line,
        symbol,
        content: row.content,
      })
      if (out.length >= limit) break
    }
    return out
  }

  stats(): StoreStats {
    const pending = this.embedder ? this.pendingCount : this.chunkCount
    return {
      files: this.states.size,
      chunks: this.chunkCount,
      pending,
      embedder: this.embedder?.id ?? null,
      dimensions: this.embedder?.dimensions ?? null,
      cacheMb: this.cache.kb / 1024,
    }
  }

  /** A file row says how many chunks it committed with; any difference means a torn write. */
  async verify(): Promise<VerifyResult> {
    const bad = await this.db.query<{ path: string }>(
      `SELECT f.path FROM files f LEFT JOIN (SELECT path, count(*)::int AS n FROM chunks GROUP BY path) c ON c.path = f.path
       WHERE coalesce(c.n, 0) <> f.chunks`,
    )
    const orphans = await this.count(
      'SELECT count(*)::int AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.path = c.path)',
    )
    const backlog = await this.count('SELECT count(*)::int AS n FROM pending')
    // With an embedder, every chunk text is either recorded as having a vector or in the backlog;
    // one that is neither would never be embedded.
    const unlinked = this.embedder
      ? await this.count(
          `SELECT count(DISTINCT c.hash)::int AS n FROM chunks c
           WHERE NOT EXISTS (SELECT 1 FROM vec_hashes v WHERE v.hash = c.hash)
             AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.hash = c.hash)`,
        )
      : 0
    return {
      badFiles: bad.rows.map((r) => r.path),
      orphanChunks: orphans,
      backlogMiscount: this.pendingCount - backlog,
      vectorsMissing: unlinked,
    }
  }

  /** Chunk texts recorded as having a vector in the vector database (verify checks they do). */
  async linkedHashes(): Promise<string[]> {
    const r = await this.db.query<{ hash: string }>(
      'SELECT DISTINCT c.hash FROM chunks c JOIN vec_hashes v ON v.hash = c.hash',
    )
    return r.rows.map((x) => x.hash)
  }

  async chunkList(): Promise<{ path: string; startLine: number; endLine: number; hash: string }[]> {
    const r = await this.db.query<{ path: string; start_line: number; end_line: number; hash: string }>(
      'SELECT path, start_line, end_line, hash FROM chunks ORDER BY path, start_line, end_line, hash',
    )
    return r.rows.map((x) => ({ path: x.path, startLine: x.start_line, endLine: x.end_line, hash: x.hash }))
  }

  async close(): Promise<void> {
    await this.db.close()
  }
}

/**
 * Reads, hashes and chunks a batch of files: all the CPU work of indexing that is not the
 * database's. Pure (no database), so it can run in a second worker while the store writes the
 * previous batch. `prevOf` gives what the index holds for a path (size+mtime fast path, then hash).
 */
export function prepareBatch(
  root: string,
  files: FileCandidate[],
  prevOf: (path: string) => { hash: string; size: number; mtimeMs: number } | undefined,
  force = false,
): PreparedBatch {
  const out: PreparedBatch = {
    prepared: [],
    touchOnly: [],
    toRemove: [],
    result: { indexed: 0, unchanged: 0, chunks: 0, skipped: [], removed: 0 },
    df: { lexemes: '', counts: new Int32Array(0) },
  }
  const collector = new LexemeCollector()
  for (const cand of files) {
    const prev = prevOf(cand.path)
    if (!force && prev && prev.size === cand.size && prev.mtimeMs === cand.mtimeMs) {
      out.result.unchanged++
      continue
    }
    const src = readSource(join(root, cand.path), cand.size)
    if (!src.ok) {
      out.result.skipped.push({ path: cand.path, reason: src.reason })
      if (prev) out.toRemove.push(cand.path)
      continue
    }
    if (!force && prev && prev.hash === src.hash) {
      out.touchOnly.push({ path: cand.path, size: cand.size, mtimeMs: cand.mtimeMs })
      out.result.unchanged++
      continue
    }
    out.prepared.push({
      cand: { path: cand.path, size: cand.size, mtimeMs: cand.mtimeMs },
      hash: src.hash,
      rows: chunkRows(cand.path, src.text, collector),
    })
  }
  out.df = collector.counts()
  return out
}

/** A file's chunk rows; `collector` counts each chunk's lexemes for the batch (document frequencies). */
function chunkRows(path: string, text: string, collector: LexemeCollector): PreparedChunk[] {
  const language = languageOf(path).id
  const pathLexemes = lexemeList(pathWords(path))
    .split(' ')
    .filter((l) => l !== '')
  return chunkFile(path, text).map((c, i) => {
    // Names: the path and the declared symbols, each whole (joined) and by its parts. Every chunk
    // ranks by its path's words (`ntsv`), but only the first holds them in `tsv`, which the GIN
    // index matches: a path word finds the file, and is not one more GIN entry for every chunk
    // of it (≈17 % of a first index's entries; docs/BENCHMARKS.md, tenth session).
    const symbolLexemes = c.symbols.flatMap((s) => tokenLexemes(s))
    const names = [...pathLexemes, ...symbolLexemes]
    collector.beginChunk()
    collector.addLexemes(i === 0 ? names : symbolLexemes)
    collector.addText(c.text)
    const all = collector.endChunk()
    return {
      path,
      startLine: c.startLine,
      endLine: c.endLine,
      language,
      hash: chunkHash(embedText(path, c.text)),
      symbols: c.symbols.join(' '),
      content: c.text,
      // The chunk's lexemes go in `tsv` (what the GIN index matches), its names' in `ntsv`.
      tsv: tsvectorBinary(all),
      ntsv: tsvectorBinary(names),
    }
  })
}

function filterSql(
  filter: SearchFilter | undefined,
  firstParam: number,
): { clause: string; params: unknown[] } {
  const parts: string[] = []
  const params: unknown[] = []
  if (filter?.pathRegex) {
    params.push(filter.pathRegex)
    parts.push(`c.path ~ $${firstParam + params.length - 1}`)
  }
  if (filter?.languages && filter.languages.length > 0) {
    params.push(filter.languages)
    parts.push(`c.language = ANY($${firstParam + params.length - 1}::text[])`)
  }
  return { clause: parts.map((p) => `AND ${p}`).join(' '), params }
}

function toHit(r: Row): StoreHit {
  return {
    id: Number(r.id),
    path: String(r.path),
    startLine: Number(r.start_line),
    endLine: Number(r.end_line),
    language: String(r.language),
    hash: String(r.hash),
    score: Number(r.score),
  }
}

const quoteLexeme = (l: string): string => `'${l.replace(/'/g, "''")}'`

/** A tsquery for rows holding at least two of `lexemes` (quoted); with fewer than three, the first. */
function atLeastTwoOf(lexemes: string[]): string {
  if (lexemes.length < 3) return lexemes[0] ?? "''"
  const pairs: string[] = []
  for (let i = 0; i < lexemes.length; i++)
    for (let j = i + 1; j < lexemes.length; j++) pairs.push(`(${lexemes[i]} & ${lexemes[j]})`)
  return pairs.join(' | ')
}
