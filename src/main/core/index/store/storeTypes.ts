/** The data the index store's databases, its workers and its client on the main thread pass around. */

import type { FileCandidate, SkippedFile } from '../../files/walkWorkspace'

export type { FileCandidate, SkippedFile } from '../../files/walkWorkspace'

/**
 * A PreparedBatch on its way from the prepare worker to the store worker, through the main thread.
 * Serialized once in the prepare worker and its buffer transferred (not copied) both ways, so the
 * main thread, which only passes it on, never builds the batch's objects: a first index moves
 * every file's text and tsvectors this way (≈100 MB for 10k files), which was a structured clone
 * into the main thread's heap and another out of it, and garbage for its collector.
 */
export interface PackedBatch {
  packed: Uint8Array
}

/** A candidate with what the index holds for it (for the unchanged checks in prepareFiles). */
export interface PrepareCandidate extends FileCandidate {
  prev?: { hash: string; size: number; mtimeMs: number }
}

/** Rows of one chunk, as prepareFiles makes them and writePrepared stores them. */
export interface PreparedChunk {
  path: string
  startLine: number
  endLine: number
  language: string
  hash: string
  symbols: string
  content: string
  /**
   * The distinct full-text lexemes of the chunk's names and body words (lexemes.ts) as a tsvector
   * in Postgres' binary form (binaryArrays.ts), made in the prepare worker with its lexemes sorted:
   * the store worker's Postgres only copies it in, instead of splitting a string into an array,
   * building the tsvector and sorting it.
   */
  tsv: Uint8Array
  /** The same for the lexemes of its names only (path, declared symbols): those rank higher. */
  ntsv: Uint8Array
}

/** The CPU half of indexing a batch (read, hash, chunk), ready for one write transaction. */
export interface PreparedBatch {
  prepared: { cand: FileCandidate; hash: string; rows: PreparedChunk[] }[]
  /** Unchanged content, new mtime: only the file row is touched. */
  touchOnly: FileCandidate[]
  /** Indexed before, unindexable now. */
  toRemove: string[]
  /** unchanged and skipped filled in; indexed/chunks/removed by the write. */
  result: IndexBatchResult
  /** How many of `prepared`'s chunks hold each lexeme: what the store adds to its live counts. */
  df: LexemeCounts
}

/**
 * Document frequencies of a batch: its distinct lexemes, space-separated (a lexeme holds no
 * space), and for each the number of chunks holding it. One string and one typed array cross the
 * threads, instead of every chunk's lexeme list (≈25 MB of strings for 10k files).
 */
export interface LexemeCounts {
  lexemes: string
  counts: Int32Array
}

export interface IndexBatchResult {
  indexed: number
  unchanged: number
  chunks: number
  skipped: SkippedFile[]
  /** Files that were indexed before and are now unindexable (grew too large, became binary…). */
  removed: number
}

export interface SearchFilter {
  /** Anchored regular expression over the workspace-relative path (from a glob, see globToRegExp). */
  pathRegex?: string
  languages?: string[]
}

/**
 * A ranked chunk without its text: search ranks and fuses these, then fetches the text of the few
 * it shows (chunkTexts). Carrying 2×80 chunks' content across the thread was a third of a hybrid
 * query's time at 90k chunks (docs/BENCHMARKS.md "## Index").
 */
export interface StoreHit {
  id: number
  path: string
  startLine: number
  endLine: number
  language: string
  /** The chunk text's hash (what the vectors are keyed by). */
  hash: string
  score: number
}

/** A chunk to show: where it is and its text. */
export interface ChunkText extends Omit<StoreHit, 'score'> {
  content: string
  symbols: string[]
}

export interface QueryTerm {
  text: string
  /** 1 for what the user typed; less for expansions (identifier parts, synonyms). */
  weight: number
}

export interface FtsArgs {
  terms: QueryTerm[]
  limit: number
  filter?: SearchFilter
}

export interface VectorArgs {
  vector: number[]
  limit: number
  filter?: SearchFilter
}

export interface PendingEmbed {
  hash: string
  /** Exactly what the embedder sees (the hash is this text's hash). */
  text: string
}

export interface StoreStats {
  files: number
  chunks: number
  /** Chunk hashes still waiting for an embedding from the current embedder. */
  pending: number
  embedder: string | null
  dimensions: number | null
  /** Postgres' buffer cache in MB: sized to what searches read (PgCache). */
  cacheMb: number
  /**
   * The store is building its vector index in short steps (vectorSteps.ts; searches are answered
   * between steps). Until it is whole, the rows not in it yet are scanned exactly, which is slow at
   * tens of thousands: search answers from full text meanwhile (WorkspaceIndex.search).
   */
  vectorIndexBuilding?: boolean
}

/** Which embedder's vectors searches use, and the life of that choice (vectorDb.ts). */
export interface VectorState {
  /** Changes whenever the embedder does (and for a new database): the backlog's records are void. */
  epoch: string
  embedder: { id: string; dimensions: number } | null
}

/** How IndexStore.open opens a database (IndexStore.open says what each means). */
export interface OpenFlags {
  fresh?: boolean
  oneCommand?: boolean
}

export interface OpenResult {
  stats: StoreStats
  /**
   * Set when the data directory was unreadable or its tables damaged, and was set aside (one copy
   * is kept): where it went and why. The index starts empty and the next scan fills it.
   */
  rebuilt: { setAsideTo: string; reason: string } | null
  schemaVersion: number
  /** Indexes found damaged at open and rebuilt from their tables (integrity.ts). */
  reindexed?: string[]
}

export interface SymbolSnippet {
  path: string
  startLine: number
  endLine: number
  symbol: string
  content: string
}

/** A declared name and the chunk that declares it (the chat's @symbol picker). */
export interface SymbolHit {
  name: string
  path: string
  startLine: number
  endLine: number
}

/** Consistency of the stored index (tests, `hearth index` after a crash). */
export interface VerifyResult {
  /** Files whose recorded chunk count differs from the chunks stored for them. */
  badFiles: string[]
  /** Chunks without a file row. */
  orphanChunks: number
  /** The backlog size the store keeps in memory minus the rows in its table (0 when they agree). */
  backlogMiscount: number
  /**
   * Chunk texts that will never get a vector: recorded as embedded with none in the vector
   * database (IndexStore checks that), or neither embedded nor in the backlog.
   */
  vectorsMissing: number
}
