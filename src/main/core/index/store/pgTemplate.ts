import {
  existsSync,
  mkdirSync,
  openAsBlob,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { defaultCacheDir } from '../../files/dataDir'

/**
 * A new database starts from a copy of an empty one (initdb done, extensions created) instead of
 * running initdb: 3.3 → 1.2 s for a directory on disk, 2.9 → 0.7 s in memory (docs/BENCHMARKS.md
 * "## Index"), and every new index runs two of them. The copy is a tar that PGlite itself wrote
 * (dumpDataDir) and reads back (loadDataDir), kept in the user's cache directory. The first
 * database created on a machine (or after an upgrade of PGlite or pgvector) runs initdb and
 * leaves the template for the next. A database of a known schema (an index) has a template of
 * its own, at its current schema version, made from the first (pgBoot.ts Schema). Anything wrong
 * with a template costs only the time it saves: the caller drops it and makes the database anew.
 */

/**
 * The template of the PGlite and pgvector builds this process runs, or null when they cannot be
 * named. `schema`: the template of a database with that schema (pgInstance.ts Schema), not of the
 * empty cluster.
 */
export function templateFile(schema?: string, cacheDir: string = defaultCacheDir()): string | null {
  const key = buildKey()
  if (!key || (schema !== undefined && !/^[\w.-]+$/.test(schema))) return null
  return join(cacheDir, `pglite-template-${key}${schema ? `-${schema}` : ''}.tar`)
}

let cachedKey: string | null | undefined

// The catalog a template holds must be the one this build's initdb would write: the name carries
// both packages' versions, so an upgrade makes a new template instead of reusing an old one.
function buildKey(): string | null {
  if (cachedKey !== undefined) return cachedKey
  try {
    const req = createRequire(import.meta.url)
    const versions = ['@electric-sql/pglite', '@electric-sql/pglite-pgvector'].map((name) =>
      packageVersion(req.resolve(name), name),
    )
    // `lean1`: the layout of pgInstance's trimmed cluster (1 MB WAL segments, no template
    // databases); a template saved before that is not reused.
    cachedKey = versions.every((v) => v && /^[\w.+-]+$/.test(v)) ? `${versions.join('-')}-lean1` : null
  } catch {
    cachedKey = null
  }
  return cachedKey
}

function packageVersion(entry: string, name: string): string | null {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const f = join(dir, 'package.json')
    if (!existsSync(f)) continue
    const pkg = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string }
    if (pkg.name === name) return pkg.version ?? null
  }
  return null
}

/**
 * The template's bytes (to unpack on disk: templateUnpack.ts), or null when there is none or it
 * cannot be read.
 */
export function readTemplateBytes(file: string | null): Uint8Array | null {
  if (!file) return null
  try {
    return readFileSync(file)
  } catch {
    return null
  }
}

/**
 * The template as a Blob backed by its file, for a database in memory (read when PGlite unpacks
 * it), or null when there is none (or it cannot be opened). A Blob made from the file's bytes
 * copied all 8–10 MB once more on the way to a new database (≈0.1 s of its start).
 */
export async function readTemplate(file: string | null): Promise<Blob | null> {
  if (!file) return null
  try {
    return await openAsBlob(file)
  } catch {
    return null
  }
}

/** Forgets a template that failed to start or is stale (the next new database runs initdb and writes a fresh one). */
export function dropTemplate(file: string | null): void {
  if (file) rmSync(file, { force: true })
}

/**
 * Saves `pg` (a database just made: the empty cluster, or one given its schema) as the template
 * `file`. Written to a temporary name
 * and renamed, so a reader never sees half a file and two processes saving at once both leave a
 * whole one. Best effort: a read-only or full cache directory only means the next database runs
 * initdb too.
 */
export async function saveTemplate(pg: PGlite, file: string | null): Promise<void> {
  if (!file) return
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`
  try {
    mkdirSync(dirname(file), { recursive: true })
    removeStaleTemporaries(file)
    // A checkpoint first: the copy then starts without replaying WAL.
    await pg.exec('CHECKPOINT')
    const tar = await pg.dumpDataDir('none')
    writeFileSync(tmp, new Uint8Array(await tar.arrayBuffer()))
    renameSync(tmp, file)
  } catch {
    rmSync(tmp, { force: true })
  }
}

// A process killed while writing leaves its temporary (≈40 MB) behind; one more than an hour old
// is nobody's any more.
function removeStaleTemporaries(file: string): void {
  const dir = dirname(file)
  const prefix = `${file.slice(dir.length + 1)}.`
  for (const n of readdirSync(dir)) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue
    const p = join(dir, n)
    try {
      if (Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { force: true })
    } catch {
      // Gone already.
    }
  }
}

/**
 * Beside a database directory while it is being made (`pg.making`): a new database is hundreds of
 * files (the template's tar unpacked one by one, or initdb), and a process killed meanwhile left a
 * directory with PG_VERSION but not the rest. Opened as it was, that failed to start and was set
 * aside as damaged (the crash suite's kills during `hearth index --force` found it); with the mark
 * still there it is an unfinished new database, made again from nothing.
 */
export function makingMark(pgDir: string): string {
  return `${pgDir}.making`
}

/**
 * True when `pgDir` holds no database yet (absent or empty, or its making never finished): a
 * template can be loaded into it (after startMaking clears what a killed making left).
 */
export function isNewDataDir(pgDir: string | null): boolean {
  if (pgDir === null) return true
  if (existsSync(makingMark(pgDir))) return true
  try {
    return readdirSync(pgDir).length === 0
  } catch (err) {
    // Absent: new. Unreadable: not ours to fill; opening it reports why.
    return (err as NodeJS.ErrnoException).code === 'ENOENT'
  }
}

/**
 * A new database is about to be made in `pgDir`: the mark goes down first, then anything an
 * unfinished making left there goes (the mark says it is ours and half made, never a database).
 */
export function startMaking(pgDir: string): void {
  const mark = makingMark(pgDir)
  if (existsSync(mark)) rmSync(pgDir, { recursive: true, force: true })
  else {
    // The index folder itself is made private by IndexStore.open; this is for a bare IndexDb.open.
    mkdirSync(dirname(pgDir), { recursive: true, mode: 0o700 })
    writeFileSync(mark, '')
  }
}

/** The new database in `pgDir` is whole (started, extensions current): from now on it is opened, not made. */
export function finishMaking(pgDir: string): void {
  rmSync(makingMark(pgDir), { force: true })
}
