/**
 * Where the index's write time goes: the same prepared batches (real files from this project's
 * node_modules, chunked by the indexer's own prepareBatch) written into a fresh store, once per
 * variant, in one run:
 *
 *  - `as built`: the store as it is (the tsvectors prepareBatch encoded, lexemes sorted, GIN on
 *    the body's, GIN on the declared names; rows up to a page stored uncompressed; array
 *    parameters in binary);
 *  - `previous store (…)` (names as printed): the store without its last three changes, the peer
 *    for `as built`: the lexemes of each tsvector unsorted (Postgres sorts them), a file's path
 *    words in every chunk's tsvector (not the first one's only), a trigram GIN index on the
 *    declared names;
 *  - `lexemes unsorted`, `path words in every chunk`, `symbol trigram index`: one of those
 *    changes undone;
 *  - `older store (…)`: that store without three more: rows over 2 kB pglz-compressed, the
 *    lexemes stored as text and the tsvectors generated from them, array parameters sent as text
 *    literals;
 *  - `arrays sent as text literals`, `rows compressed`: one of those three changes undone;
 *  - `previous schema`: the tsvector Postgres' parser and english stemmer made from the chunk's
 *    words, with positions and labels, instead of lexemes made in JavaScript;
 *  - `chunks unlogged`: no WAL for the chunk rows and their indexes (not crash-safe: measures WAL);
 *  - `no symbol names index`, `no tsvector GIN index`: that index dropped.
 *
 * Prints JSON: files, chunks, prepare ms (JS, runs in its own worker in the app) and per variant
 * the median write ms (wall) and CPU ms (this process: the writes run on its main thread, V8's
 * helper threads add theirs) over the rounds, chunks/s, and each round's ms. `--files N`
 * (default 1500), `--rounds N` (default 3), `--disk`: each store in a temp directory on disk as in
 * the app (default: in memory).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { pathWords, searchWords, splitIdentifier } from '../src/main/core/text/identifiers'
import { lexemeList } from '../src/main/core/index/lexemes'
import { BINARY_ARRAYS, tsvectorBinary, tsvectorLexemes } from '../src/main/core/index/store/binaryArrays'
import { IndexDb, prepareBatch } from '../src/main/core/index/store/indexDb'
import type { PreparedBatch } from '../src/main/core/index/store/protocol'

const { values } = parseArgs({
  options: { files: { type: 'string' }, rounds: { type: 'string' }, disk: { type: 'boolean' } },
})
const WANT = Number(values.files ?? 1500)
const ROUNDS = Number(values.rounds ?? 3)
const ROOT = join(import.meta.dirname, '..', 'node_modules')

interface Tx {
  query(sql: string, params?: unknown[], options?: typeof BINARY_ARRAYS): Promise<unknown>
}
interface RawPg extends Tx {
  exec(sql: string): Promise<unknown>
  transaction(f: (tx: Tx) => Promise<void>): Promise<void>
}

function sourceFiles(): { path: string; size: number; mtimeMs: number }[] {
  const out: { path: string; size: number; mtimeMs: number }[] = []
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (out.length >= WANT) return
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.(ts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) {
        const st = statSync(p)
        if (st.size > 500 && st.size < 200_000)
          out.push({ path: relative(ROOT, p), size: st.size, mtimeMs: st.mtimeMs })
      }
    }
  }
  walk(ROOT)
  return out
}

/** Schema 4's index of declared symbols (trigrams) instead of schema 5's (the names). */
const SYMBOL_TRIGRAMS = [
  'DROP INDEX chunks_symbols',
  'CREATE INDEX chunks_symbols_trgm ON chunks USING gin (symbols gin_trgm_ops)',
]

/**
 * `previous schema`: Postgres' parser and english stemmer make the tsvector (with positions and
 * labels) from the chunk's names and words, stored beside it.
 */
const PREVIOUS_SCHEMA = [
  ...SYMBOL_TRIGRAMS,
  'ALTER TABLE chunks RESET (toast_tuple_target)',
  'ALTER TABLE chunks DROP COLUMN tsv, DROP COLUMN ntsv',
  'ALTER TABLE chunks ADD COLUMN names text, ADD COLUMN words text',
  `ALTER TABLE chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
     setweight(to_tsvector('english', names), 'A') || setweight(to_tsvector('english', words), 'D')) STORED`,
  'CREATE INDEX chunks_tsv ON chunks USING gin (tsv)',
]

/** `older store (…)`'s schema: lexemes stored as text, tsvectors generated from them, rows compressed. */
const EIGHTH_SCHEMA = [
  ...SYMBOL_TRIGRAMS,
  'ALTER TABLE chunks RESET (toast_tuple_target)',
  'ALTER TABLE chunks DROP COLUMN tsv, DROP COLUMN ntsv',
  'ALTER TABLE chunks ADD COLUMN lexemes text NOT NULL, ADD COLUMN name_lexemes text NOT NULL',
  `ALTER TABLE chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(lexemes, ' '))) STORED`,
  `ALTER TABLE chunks ADD COLUMN ntsv tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(name_lexemes, ' '))) STORED`,
  'CREATE INDEX chunks_tsv ON chunks USING gin (tsv)',
]

/**
 * What the previous prepareBatch sent per chunk (names, words), made before any write is timed:
 * in the app that JavaScript ran in the prepare worker, beside the store's writes.
 */
function previousText(batches: PreparedBatch[]): { names: string[]; words: string[] }[] {
  return batches.map((b) => {
    const rows = b.prepared.flatMap((p) => p.rows)
    return {
      names: rows.map((r) =>
        [
          pathWords(r.path),
          ...r.symbols.split(' ').map((s) => [s.toLowerCase(), ...splitIdentifier(s)].join(' ')),
        ].join(' '),
      ),
      words: rows.map((r) => searchWords(r.content)),
    }
  })
}

type Row = PreparedBatch['prepared'][number]['rows'][number]

/** A schema of before: its own chunk columns, filled from each batch's rows (and batch index). */
interface OldWriter {
  columns: string
  values: (rows: Row[], batch: number) => string[][]
}

const PREVIOUS_WRITER = (text: { names: string[]; words: string[] }[]): OldWriter => ({
  columns: 'names, words',
  values: (_rows, i) => [text[i]?.names ?? [], text[i]?.words ?? []],
})

/** tsvectorBinary's encoding without its sort: the lexemes in the order given. */
function tsvectorPayload(lexemes: string[]): Uint8Array {
  const parts = lexemes.map((l) => Buffer.from(`${l}\0\0\0`, 'utf8'))
  const head = Buffer.alloc(4)
  head.writeInt32BE(lexemes.length, 0)
  return Buffer.concat([head, ...parts])
}

/**
 * A batch whose every chunk holds its file's path words in its tsvector (the store puts them in a
 * file's first chunk only).
 */
function pathWordsEverywhere(b: PreparedBatch): PreparedBatch {
  return {
    ...b,
    prepared: b.prepared.map((p) => {
      const words = lexemeList(pathWords(p.cand.path)).split(' ')
      return {
        ...p,
        rows: p.rows.map((r) => ({ ...r, tsv: tsvectorBinary([...tsvectorLexemes(r.tsv), ...words]) })),
      }
    }),
  }
}

/**
 * A batch whose tsvectors hold the same lexemes out of order, as a prepareBatch that does not sort
 * them sends them (first-use order): a fixed shuffle costs Postgres the same sort.
 */
function unsorted(b: PreparedBatch): PreparedBatch {
  let seed = 1
  const shuffled = (payload: Uint8Array): Uint8Array => {
    const ls = tsvectorLexemes(payload)
    for (let i = ls.length - 1; i > 0; i--) {
      seed = (seed * 48271) % 2147483647
      const j = seed % (i + 1)
      ;[ls[i], ls[j]] = [ls[j] as string, ls[i] as string]
    }
    return tsvectorPayload(ls)
  }
  return {
    ...b,
    prepared: b.prepared.map((p) => ({
      ...p,
      rows: p.rows.map((r) => ({ ...r, tsv: shuffled(r.tsv), ntsv: shuffled(r.ntsv) })),
    })),
  }
}

/** Lexemes and names' lexemes per batch as the text that schema stores, made before any write is timed. */
const EIGHTH_WRITER = (lexemes: string[][], names: string[][]): OldWriter => ({
  columns: 'lexemes, name_lexemes',
  values: (_rows, i) => [lexemes[i] ?? [], names[i] ?? []],
})

/** The store's writeBatch for a fresh index (no deletes), with an older schema's chunk columns. */
async function writeOldSchema(pg: RawPg, batches: PreparedBatch[], w: OldWriter): Promise<void> {
  for (const [i, b] of batches.entries()) {
    const rows = b.prepared.flatMap((p) => p.rows)
    await pg.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO files (path, hash, size, mtime_ms, language, chunks)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::text[], $6::int[])`,
        [
          b.prepared.map((p) => p.cand.path),
          b.prepared.map((p) => p.hash),
          b.prepared.map((p) => p.cand.size),
          b.prepared.map((p) => p.cand.mtimeMs),
          b.prepared.map((p) => p.rows[0]?.language ?? 'text'),
          b.prepared.map((p) => p.rows.length),
        ],
        BINARY_ARRAYS,
      )
      await tx.query(
        `INSERT INTO chunks (path, start_line, end_line, language, hash, symbols, content, ${w.columns})
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::text[])`,
        [
          rows.map((r) => r.path),
          rows.map((r) => r.startLine),
          rows.map((r) => r.endLine),
          rows.map((r) => r.language),
          rows.map((r) => r.hash),
          rows.map((r) => r.symbols),
          rows.map((r) => r.content),
          ...w.values(rows, i),
        ],
        BINARY_ARRAYS,
      )
      await tx.query(
        'INSERT INTO pending (hash) SELECT DISTINCT h FROM unnest($1::text[]) AS h ON CONFLICT DO NOTHING',
        [rows.map((r) => r.hash)],
        BINARY_ARRAYS,
      )
    })
  }
}

interface Variant {
  name: string
  setup: string[]
  /** Written through an older schema's INSERT instead of the store's writePrepared. */
  old?: 'previous' | 'eighth'
  /** PGlite's own text serializers for the array parameters, as the store sent them before. */
  textParams?: boolean
  /** Batches changed back: lexemes out of order, path words in every chunk, or both (`ninth`). */
  batches?: 'unsorted' | 'pathWords' | 'ninth'
}

const VARIANTS: Variant[] = [
  { name: 'as built', setup: [] },
  {
    name: 'previous store (lexemes unsorted, path words in every chunk, symbol trigram index)',
    setup: SYMBOL_TRIGRAMS,
    batches: 'ninth',
  },
  { name: 'lexemes unsorted', setup: [], batches: 'unsorted' },
  { name: 'path words in every chunk', setup: [], batches: 'pathWords' },
  { name: 'symbol trigram index', setup: SYMBOL_TRIGRAMS },
  {
    name: 'older store (rows compressed, lexemes stored, arrays as text)',
    setup: EIGHTH_SCHEMA,
    old: 'eighth',
    textParams: true,
  },
  { name: 'arrays sent as text literals', setup: [], textParams: true },
  {
    name: 'rows compressed (TOAST threshold 2 kB)',
    setup: ['ALTER TABLE chunks RESET (toast_tuple_target)'],
  },
  {
    name: 'previous schema (english to_tsvector with labels; arrays as text)',
    setup: PREVIOUS_SCHEMA,
    old: 'previous',
    textParams: true,
  },
  { name: 'chunks unlogged (no WAL for them)', setup: ['ALTER TABLE chunks SET UNLOGGED'] },
  { name: 'no symbol names index', setup: ['DROP INDEX chunks_symbols'] },
  { name: 'no tsvector GIN index', setup: ['DROP INDEX chunks_tsv'] },
]

const files = sourceFiles()
const t0 = performance.now()
const batches: PreparedBatch[] = []
for (let i = 0; i < files.length; i += 128)
  batches.push(prepareBatch(ROOT, files.slice(i, i + 128), () => undefined))
const prepareMs = performance.now() - t0
const chunks = batches.reduce((n, b) => n + b.prepared.reduce((m, p) => m + p.rows.length, 0), 0)
const oldText = previousText(batches)
const changedBatches: Record<NonNullable<Variant['batches']>, PreparedBatch[]> = {
  unsorted: batches.map(unsorted),
  pathWords: batches.map(pathWordsEverywhere),
  ninth: batches.map((b) => unsorted(pathWordsEverywhere(b))),
}

const oldWriters: Record<NonNullable<Variant['old']>, OldWriter> = {
  previous: PREVIOUS_WRITER(oldText),
  eighth: EIGHTH_WRITER(
    // Path words in every chunk, as that store had them.
    changedBatches.pathWords.map((b) =>
      b.prepared.flatMap((p) => p.rows.map((r) => tsvectorLexemes(r.tsv).join(' '))),
    ),
    batches.map((b) => b.prepared.flatMap((p) => p.rows.map((r) => tsvectorLexemes(r.ntsv).join(' ')))),
  ),
}

/** Writes every batch into a fresh store set up as variant `v`; returns wall and CPU ms. */
async function writeVariant(v: Variant): Promise<{ ms: number; cpuMs: number }> {
  const dir = values.disk ? mkdtempSync(join(tmpdir(), 'hearth-bench-store-write-')) : null
  const { db } = await IndexDb.open(dir)
  const pg = (db as unknown as { db: RawPg }).db
  // With an embedder set, every write also queues its chunk texts for embedding, as in the app.
  await db.syncVectors({ epoch: 'bench', embedder: { id: 'bench', dimensions: 8 } })
  for (const s of v.setup) await pg.exec(s)
  const binary = BINARY_ARRAYS.serializers
  // tsvector[] (3643) has no text form the store ever sent: it stays binary.
  const tsvectors = binary?.[3643]
  if (v.textParams) BINARY_ARRAYS.serializers = tsvectors ? { 3643: tsvectors } : {}
  const w0 = performance.now()
  const c0 = process.cpuUsage()
  if (v.old) await writeOldSchema(pg, batches, oldWriters[v.old])
  else for (const b of v.batches ? changedBatches[v.batches] : batches) await db.writePrepared(b)
  const cpu = process.cpuUsage(c0)
  const ms = performance.now() - w0
  BINARY_ARRAYS.serializers = binary
  await db.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 }
}

// One discarded write first: the first variant written in a process paid for warming up the
// JIT and WASM tiers (≈+40 % in one run). Then the variants take turns, ROUNDS times.
await writeVariant(VARIANTS[0] ?? { name: '', setup: [] })
const runs = new Map<string, { ms: number; cpuMs: number }[]>(VARIANTS.map((v) => [v.name, []]))
for (let r = 0; r < ROUNDS; r++) for (const v of VARIANTS) runs.get(v.name)?.push(await writeVariant(v))
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const results = [...runs].map(([variant, rs]) => ({
  variant,
  writeMs: Math.round(median(rs.map((r) => r.ms))),
  cpuMs: Math.round(median(rs.map((r) => r.cpuMs))),
  chunksPerSec: Math.round(chunks / (median(rs.map((r) => r.ms)) / 1000)),
  runsMs: rs.map((r) => Math.round(r.ms)),
}))
console.log(
  JSON.stringify(
    {
      files: files.length,
      chunks,
      disk: values.disk === true,
      prepareMs: Math.round(prepareMs),
      variants: results,
    },
    null,
    2,
  ),
)
