/**
 * Versioned schema. Each migration runs once, in its own transaction, recorded in
 * schema_migrations. Never edit a released migration: add the next one.
 *
 * The vector table is not here: its dimension belongs to the embedder, so IndexDb creates it when
 * an embedder is chosen (and drops it when the embedder changes, which re-embeds).
 */
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
]
