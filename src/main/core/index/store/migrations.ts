/**
 * Versioned schema. Each migration runs once, in its own transaction, recorded in
 * schema_migrations. Never edit a released migration: add the next one.
 *
 * One database holds the index: the full-text tables and, since version 7, the vectors
 * (vectorDb.ts). From version 2 to 6 the vectors lived in a second database of their own.
 */
import { createHash } from 'node:crypto'
import type { PGlite } from '@electric-sql/pglite'

export interface Migration {
  version: number
  statements: string[]
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)`,
      `CREATE TABLE files (
        path text PRIMARY KEY,
        hash text NOT NULL,
        size bigint NOT NULL,
        mtime_ms double precision NOT NULL,
        language text NOT NULL,
        chunks int NOT NULL,
        indexed_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX files_path_trgm ON files USING gin (path gin_trgm_ops)`,
      // names: path and declared symbols as words (weight A); words: the body with identifiers
      // split (weight D). The tsvector is generated, so it can never disagree with its text.
      `CREATE TABLE chunks (
        id bigserial PRIMARY KEY,
        path text NOT NULL REFERENCES files(path) ON DELETE CASCADE,
        start_line int NOT NULL,
        end_line int NOT NULL,
        language text NOT NULL,
        hash text NOT NULL,
        symbols text NOT NULL,
        content text NOT NULL,
        names text NOT NULL,
        words text NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', names), 'A') || setweight(to_tsvector('english', words), 'D')
        ) STORED
      )`,
      `CREATE INDEX chunks_tsv ON chunks USING gin (tsv)`,
      `CREATE INDEX chunks_path ON chunks (path)`,
      `CREATE INDEX chunks_hash ON chunks (hash)`,
      `CREATE INDEX chunks_symbols_trgm ON chunks USING gin (symbols gin_trgm_ops)`,
      // Embedding cache: survives file deletion, so a branch switch back or a revert re-embeds nothing.
      `CREATE TABLE embed_cache (
        embedder text NOT NULL,
        hash text NOT NULL,
        embedding vector NOT NULL,
        PRIMARY KEY (embedder, hash)
      )`,
      // Chunk hashes still waiting for a vector from the current embedder (phase two's backlog).
      `CREATE TABLE pending (hash text PRIMARY KEY)`,
      // Document frequency per lexeme for IDF weighting (Postgres' ts_rank has none).
      `CREATE TABLE term_stats (lexeme text PRIMARY KEY, ndoc int NOT NULL)`,
    ],
  },
  {
    version: 2,
    statements: [
      // Vectors and their cache moved to the vector database: this one only records which chunk
      // texts have a vector there (`vec_hashes`, valid for the epoch in meta `vector_epoch`). An
      // index from before re-embeds once: its vector epoch is unknown, so IndexStore queues all.
      `DROP TABLE IF EXISTS vecs`,
      `DROP TABLE IF EXISTS embed_cache`,
      `CREATE TABLE vec_hashes (hash text PRIMARY KEY)`,
      `DELETE FROM meta WHERE key = 'vector_epoch'`,
    ],
  },
  {
    version: 3,
    statements: [
      // Lexemes are made in JavaScript (lexemes.ts: Postgres' english stop words and stemmer) and
      // the tsvector is built from them without Postgres' text parser, which was most of the
      // store's write time. No positions and no labels: names get a tsvector of their own, which
      // ranking reads and nothing indexes. Still generated, so it can never disagree with its text.
      // Every file is indexed again: the rows' words cannot be turned into lexemes here, and a
      // derived index is cheaper to rebuild than to convert. Vectors stay (keyed by chunk text).
      `DELETE FROM chunks`,
      `DELETE FROM files`,
      `DELETE FROM pending`,
      `DELETE FROM term_stats`,
      `DELETE FROM meta WHERE key = 'term_stats_chunks'`,
      `ALTER TABLE chunks DROP COLUMN tsv, DROP COLUMN names, DROP COLUMN words`,
      `ALTER TABLE chunks ADD COLUMN lexemes text NOT NULL, ADD COLUMN name_lexemes text NOT NULL`,
      `ALTER TABLE chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(lexemes, ' '))) STORED`,
      `ALTER TABLE chunks ADD COLUMN ntsv tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(name_lexemes, ' '))) STORED`,
      `CREATE INDEX chunks_tsv ON chunks USING gin (tsv)`,
    ],
  },
  {
    version: 4,
    statements: [
      // A row up to a page long is stored as it is. By default Postgres pglz-compresses any row
      // over 2 kB, and most chunk rows are (content plus tsvector): compression was the store's
      // largest single cost while writing (docs/BENCHMARKS.md, ninth session), for ≈20 % of disk.
      // Rows written before keep their compression; reading them costs what it did.
      `ALTER TABLE chunks SET (toast_tuple_target = 8160)`,
      // The tsvectors are written by the INSERT from the lexemes prepareBatch made (IndexDb's
      // writeBatch, the one place chunks are written), not generated from a stored copy of them:
      // the same values, without storing every lexeme twice. Existing rows keep their tsvectors.
      `ALTER TABLE chunks ALTER COLUMN tsv DROP EXPRESSION`,
      `ALTER TABLE chunks ALTER COLUMN ntsv DROP EXPRESSION`,
      `ALTER TABLE chunks ALTER COLUMN tsv SET NOT NULL, ALTER COLUMN ntsv SET NOT NULL`,
      `ALTER TABLE chunks DROP COLUMN lexemes, DROP COLUMN name_lexemes`,
    ],
  },
  {
    version: 5,
    statements: [
      // The one reader of declared symbols (symbolSnippets, completion context) looks names up
      // exactly. A trigram index made ≈17 GIN entries per symbol for that; an index of the names
      // themselves makes one, and writing chunks costs ≈8 % less (docs/BENCHMARKS.md, tenth
      // session). Chunks that declare nothing are left out of it.
      `DROP INDEX chunks_symbols_trgm`,
      `CREATE INDEX chunks_symbols ON chunks USING gin (string_to_array(symbols, ' ')) WHERE symbols <> ''`,
    ],
  },
  {
    version: 6,
    statements: [
      // Document frequencies live in the store worker's memory and are stored whole, as one meta
      // entry (termStatsRebuild.ts): writing them row by row and building the table's key was
      // ≈0.8 s at the end of every first index of 10k files (docs/BENCHMARKS.md, eleventh
      // session). The counts carry over; a recount interrupted before this leaves its table behind.
      `INSERT INTO meta (key, value)
         SELECT 'term_stats', json_build_object(
           'lexemes', coalesce(json_agg(lexeme ORDER BY lexeme), '[]'::json),
           'ndocs', coalesce(json_agg(ndoc ORDER BY lexeme), '[]'::json))::text
         FROM term_stats
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      `DROP TABLE term_stats`,
      `DROP TABLE IF EXISTS term_stats_next`,
    ],
  },
  {
    version: 7,
    statements: [
      // The vectors come back into this database (one PGlite per index instead of two: ≈100 MB of
      // resident memory and ≈8 MB of disk less, docs/BENCHMARKS.md "Footprint"). One table is both
      // the vectors searched and the cache of earlier embeddings (they were stored twice, in
      // `vecs` and `embed_cache`): the current embedder's rows are the ones searched. Keyed by
      // hash first: a key led by the embedder made the planner prefer it to the HNSW index.
      // The old vector database is not read (IndexStore removes it): what vec_hashes recorded of
      // it is void, and the new vector epoch (vectorDb.ts) queues every chunk text again.
      `CREATE TABLE embeddings (
        hash text NOT NULL,
        embedder text NOT NULL,
        embedding vector NOT NULL,
        PRIMARY KEY (hash, embedder)
      )`,
      `DELETE FROM vec_hashes`,
      `DELETE FROM meta WHERE key IN ('vector_epoch', 'embedder')`,
    ],
  },
  {
    version: 8,
    statements: [
      // The vector index is IVFFlat built in steps (vectorSteps.ts): a row is in the index of its
      // generation, 0 for none yet (scanned exactly). A constant default adds the column without
      // rewriting the table. The HNSW index (one build statement that held every search) goes;
      // the next upkeep builds the new one in steps.
      `DROP INDEX IF EXISTS embeddings_hnsw`,
      `ALTER TABLE embeddings ADD COLUMN ivf_gen int NOT NULL DEFAULT 0`,
      // Finds the rows a build step moves (the tail, an older generation), and counts rows per embedder.
      `CREATE INDEX embeddings_gen ON embeddings (embedder, ivf_gen)`,
    ],
  },
]

/**
 * The name of a schema's template (pgInstance.ts Schema): `what` and a digest of every statement,
 * so a build with another migration list never starts from a template of this one.
 */
export function schemaKey(what: string, migrations: Migration[]): string {
  const digest = createHash('sha256').update(JSON.stringify(migrations)).digest('hex').slice(0, 12)
  // `m2`: how the template is made (pgInstance.ts openDatabase); a template made the earlier way
  // (its tables vacuumed while empty) is not reused.
  return `${what.replace(/[^\w]/g, '')}-v${migrations[migrations.length - 1]?.version ?? 0}-${digest}-m2`
}

/** Applies the versioned migrations not yet applied; returns the schema version. */
export async function migrate(
  pg: Pick<PGlite, 'exec' | 'query' | 'transaction'>,
  migrations: Migration[],
  what: string,
): Promise<number> {
  await pg.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  )
  const done = await pg.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')
  let version = done.rows[0]?.v ?? 0
  const latest = migrations[migrations.length - 1]?.version ?? 0
  if (version > latest)
    throw new Error(`${what} schema version ${version} is newer than this build (${latest})`)
  for (const m of migrations) {
    if (m.version <= version) continue
    await pg.transaction(async (tx) => {
      for (const s of m.statements) await tx.query(s)
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version])
    })
    version = m.version
  }
  return version
}
