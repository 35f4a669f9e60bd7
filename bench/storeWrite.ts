/**
 * Where the index's write time goes: the same prepared batches (real files from this project's
 * node_modules, chunked by the indexer's own prepareBatch) written into a fresh in-memory store,
 * once per schema variant, in one run:
 *
 *  - `as built`: the store as it is (generated english tsvector, GIN on it, trigram GIN on symbols);
 *  - `chunks unlogged`: no WAL for the chunk rows and their indexes (not crash-safe: measures WAL);
 *  - `no symbol trigram index`, `no tsvector GIN index`: that index dropped;
 *  - `no tsvector at all`: the column is plain and left empty (the floor: rows, btrees, backlog);
 *  - `no compression`: TOAST keeps the large columns out of line but does not pglz-compress them;
 *  - `tsvector built in JS`: lexemes, positions and weights computed in JavaScript and sent as
 *    tsvector literals (what "skip Postgres' parser" would buy; no stemming, so a lower bound).
 *
 * Prints JSON: files, chunks, prepare ms (JS, runs in its own worker in the app) and per variant
 * write ms and chunks/s. `--files N` (default 1500). Memory, not disk: WAL is written, to memory.
 */
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { IndexDb, prepareBatch } from '../src/main/core/index/store/indexDb'
import type { PreparedBatch } from '../src/main/core/index/store/protocol'

const { values } = parseArgs({ options: { files: { type: 'string' } } })
const WANT = Number(values.files ?? 1500)
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

/** names (weight A) then words (weight D), each word once per weight, positions in order. */
function tsvectorLiteral(names: string, words: string): string {
  const seen = new Set<string>()
  const out: string[] = []
  let pos = 1
  for (const [text, weight] of [
    [names, 'A'],
    [words, 'D'],
  ] as const) {
    for (const raw of text.split(/\s+/)) {
      const w = raw.toLowerCase()
      if (!w || w.length > 200 || seen.has(`${weight}${w}`)) continue
      seen.add(`${weight}${w}`)
      out.push(`'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}':${Math.min(pos++, 16383)}${weight}`)
    }
  }
  return out.join(' ')
}

async function writeWithJsTsvector(pg: RawPg, batches: PreparedBatch[]): Promise<void> {
  for (const b of batches) {
    const rows = b.prepared.flatMap((p) => p.rows)
    const tsv = rows.map((r) => tsvectorLiteral(r.names, r.words))
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
        `INSERT INTO chunks (path, start_line, end_line, language, hash, symbols, content, names, words, tsv)
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::text[], $10::tsvector[])`,
        [
          rows.map((r) => r.path),
          rows.map((r) => r.startLine),
          rows.map((r) => r.endLine),
          rows.map((r) => r.language),
          rows.map((r) => r.hash),
          rows.map((r) => r.symbols),
          rows.map((r) => r.content),
          rows.map((r) => r.names),
          rows.map((r) => r.words),
          tsv,
        ],
      )
      await tx.query(
        'INSERT INTO pending (hash) SELECT DISTINCT h FROM unnest($1::text[]) AS h ON CONFLICT DO NOTHING',
        [rows.map((r) => r.hash)],
      )
    })
  }
}

const VARIANTS: { name: string; setup: string[]; js?: boolean }[] = [
  { name: 'as built', setup: [] },
  { name: 'chunks unlogged (no WAL for them)', setup: ['ALTER TABLE chunks SET UNLOGGED'] },
  { name: 'no symbol trigram index', setup: ['DROP INDEX chunks_symbols_trgm'] },
  { name: 'no tsvector GIN index', setup: ['DROP INDEX chunks_tsv'] },
  {
    name: 'no tsvector at all',
    setup: ['ALTER TABLE chunks DROP COLUMN tsv', 'ALTER TABLE chunks ADD COLUMN tsv tsvector'],
  },
  {
    name: 'no compression (STORAGE EXTERNAL on tsv, content, words, names)',
    setup: ['tsv', 'content', 'words', 'names'].map(
      (c) => `ALTER TABLE chunks ALTER COLUMN ${c} SET STORAGE EXTERNAL`,
    ),
  },
  {
    name: 'tsvector built in JS',
    setup: [
      'ALTER TABLE chunks DROP COLUMN tsv',
      'ALTER TABLE chunks ADD COLUMN tsv tsvector',
      'CREATE INDEX chunks_tsv ON chunks USING gin (tsv)',
    ],
    js: true,
  },
]

const files = sourceFiles()
const t0 = performance.now()
const batches: PreparedBatch[] = []
for (let i = 0; i < files.length; i += 128)
  batches.push(prepareBatch(ROOT, files.slice(i, i + 128), () => undefined))
const prepareMs = performance.now() - t0
const chunks = batches.reduce((n, b) => n + b.prepared.reduce((m, p) => m + p.rows.length, 0), 0)

const results: { variant: string; writeMs: number; chunksPerSec: number }[] = []
for (const v of VARIANTS) {
  const { db } = await IndexDb.open(null)
  const pg = (db as unknown as { db: RawPg }).db
  // With an embedder set, every write also queues its chunk texts for embedding, as in the app.
  await db.syncVectors({ epoch: 'bench', embedder: { id: 'bench', dimensions: 8 } })
  for (const s of v.setup) await pg.exec(s)
  const w0 = performance.now()
  if (v.js) await writeWithJsTsvector(pg, batches)
  else for (const b of batches) await db.writePrepared(b)
  const ms = performance.now() - w0
  results.push({ variant: v.name, writeMs: Math.round(ms), chunksPerSec: Math.round(chunks / (ms / 1000)) })
  await db.close()
}
console.log(
  JSON.stringify(
    { files: files.length, chunks, prepareMs: Math.round(prepareMs), variants: results },
    null,
    2,
  ),
)
