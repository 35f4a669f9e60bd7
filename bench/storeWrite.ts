/**
 * Where the index's write time goes: the same prepared batches (real files from this project's
 * node_modules, chunked by the indexer's own prepareBatch) written into a fresh in-memory store,
 * once per schema variant, in one run:
 *
 *  - `as built`: the store as it is (tsvector generated from the lexemes prepareBatch made, GIN on
 *    it, trigram GIN on symbols);
 *  - `previous schema`: the tsvector Postgres' parser and english stemmer made from the chunk's
 *    words, with positions and labels, as before the eighth session (the peer for `as built`);
 *  - `chunks unlogged`: no WAL for the chunk rows and their indexes (not crash-safe: measures WAL);
 *  - `no symbol trigram index`, `no tsvector GIN index`: that index dropped;
 *  - `no tsvector at all`: the columns are plain and left empty (the floor: rows, btrees, backlog);
 *  - `no compression`: TOAST keeps the large columns out of line but does not pglz-compress them.
 *
 * Prints JSON: files, chunks, prepare ms (JS, runs in its own worker in the app) and per variant
 * the median write ms and chunks/s over the rounds, and each round's ms. `--files N` (default
 * 1500), `--rounds N` (default 3). Memory, not disk: WAL is written, to memory.
 */
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { pathWords, searchWords, splitIdentifier } from '../src/main/core/index/identifiers'
import { BINARY_ARRAYS } from '../src/main/core/index/store/binaryArrays'
import { IndexDb, prepareBatch } from '../src/main/core/index/store/indexDb'
import type { PreparedBatch } from '../src/main/core/index/store/protocol'

const { values } = parseArgs({ options: { files: { type: 'string' }, rounds: { type: 'string' } } })
const WANT = Number(values.files ?? 1500)
const ROUNDS = Number(values.rounds ?? 3)
const ROOT = join(import.meta.dirname, '..', 'node_modules')

interface Tx {
  query(sql: string, params?: unknown[]): Promise<unknown>
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

/**
 * The schema before the eighth session: Postgres' parser and english stemmer made the tsvector
 * (with positions and labels) from the chunk's names and words, stored beside it.
 */
const PREVIOUS_SCHEMA = [
  'ALTER TABLE chunks DROP COLUMN tsv, DROP COLUMN ntsv',
  'ALTER TABLE chunks ADD COLUMN names text, ADD COLUMN words text',
  `ALTER TABLE chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
     setweight(to_tsvector('english', names), 'A') || setweight(to_tsvector('english', words), 'D')) STORED`,
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

async function writePreviousSchema(
  pg: RawPg,
  batches: PreparedBatch[],
  text: { names: string[]; words: string[] }[],
): Promise<void> {
  for (const [i, b] of batches.entries()) {
    const rows = b.prepared.flatMap((p) => p.rows)
    const old = text[i] ?? { names: [], words: [] }
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
      )
      await tx.query(
        `INSERT INTO chunks (path, start_line, end_line, language, hash, symbols, content, lexemes, name_lexemes,
                             names, words)
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::text[], $10::text[], $11::text[])`,
        [
          rows.map((r) => r.path),
          rows.map((r) => r.startLine),
          rows.map((r) => r.endLine),
          rows.map((r) => r.language),
          rows.map((r) => r.hash),
          rows.map((r) => r.symbols),
          rows.map((r) => r.content),
          rows.map(() => ''),
          rows.map(() => ''),
          old.names,
          old.words,
        ],
      )
      await tx.query(
        'INSERT INTO pending (hash) SELECT DISTINCT h FROM unnest($1::text[]) AS h ON CONFLICT DO NOTHING',
        [rows.map((r) => r.hash)],
      )
    })
  }
}

const VARIANTS: { name: string; setup: string[]; previous?: boolean; textParams?: boolean }[] = [
  { name: 'as built', setup: [] },
  { name: 'arrays sent as text literals (before the ninth session)', setup: [], textParams: true },
  { name: 'previous schema (english to_tsvector with labels)', setup: PREVIOUS_SCHEMA, previous: true },
  { name: 'chunks unlogged (no WAL for them)', setup: ['ALTER TABLE chunks SET UNLOGGED'] },
  { name: 'no symbol trigram index', setup: ['DROP INDEX chunks_symbols_trgm'] },
  { name: 'no tsvector GIN index', setup: ['DROP INDEX chunks_tsv'] },
  {
    name: 'no tsvector at all',
    setup: [
      'ALTER TABLE chunks DROP COLUMN tsv, DROP COLUMN ntsv',
      'ALTER TABLE chunks ADD COLUMN tsv tsvector, ADD COLUMN ntsv tsvector',
    ],
  },
  {
    name: 'no compression (STORAGE EXTERNAL on content, lexemes)',
    setup: ['content', 'lexemes'].map((c) => `ALTER TABLE chunks ALTER COLUMN ${c} SET STORAGE EXTERNAL`),
  },
]

const files = sourceFiles()
const t0 = performance.now()
const batches: PreparedBatch[] = []
for (let i = 0; i < files.length; i += 128)
  batches.push(prepareBatch(ROOT, files.slice(i, i + 128), () => undefined))
const prepareMs = performance.now() - t0
const chunks = batches.reduce((n, b) => n + b.prepared.reduce((m, p) => m + p.rows.length, 0), 0)
const oldText = previousText(batches)

/** Writes every batch into a fresh in-memory store set up as variant `v`; returns the ms. */
async function writeVariant(v: (typeof VARIANTS)[number]): Promise<number> {
  const { db } = await IndexDb.open(null)
  const pg = (db as unknown as { db: RawPg }).db
  // With an embedder set, every write also queues its chunk texts for embedding, as in the app.
  await db.syncVectors({ epoch: 'bench', embedder: { id: 'bench', dimensions: 8 } })
  for (const s of v.setup) await pg.exec(s)
  // PGlite's own text serializers for the array parameters, as the store sent them before.
  const binary = BINARY_ARRAYS.serializers
  if (v.textParams) BINARY_ARRAYS.serializers = {}
  const w0 = performance.now()
  if (v.previous) await writePreviousSchema(pg, batches, oldText)
  else for (const b of batches) await db.writePrepared(b)
  const ms = performance.now() - w0
  BINARY_ARRAYS.serializers = binary
  await db.close()
  return ms
}

// One discarded write first: the first variant written in a process paid for warming up the
// JIT and WASM tiers (≈+40 % in one run). Then the variants take turns, ROUNDS times.
await writeVariant(VARIANTS[0] ?? { name: '', setup: [] })
const runs = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]))
for (let r = 0; r < ROUNDS; r++) for (const v of VARIANTS) runs.get(v.name)?.push(await writeVariant(v))
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const results = [...runs].map(([variant, ms]) => ({
  variant,
  writeMs: Math.round(median(ms)),
  chunksPerSec: Math.round(chunks / (median(ms) / 1000)),
  runsMs: ms.map(Math.round),
}))
console.log(
  JSON.stringify(
    { files: files.length, chunks, prepareMs: Math.round(prepareMs), variants: results },
    null,
    2,
  ),
)
