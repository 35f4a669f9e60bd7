import { join } from 'node:path'
import { chunkFile, chunkHash } from '../chunker'
import { pathWords } from '../../text/identifiers'
import { LexemeCollector, lexemeList, tokenLexemes } from '../lexemes'
import { languageOf } from '../../text/language'
import { readSource } from '../sourceFile'
import { realRootSync } from '../../files/openInside'
import { tsvectorBinary } from './binaryArrays'
import type { FileCandidate, PreparedBatch, PreparedChunk } from './storeTypes'

/** What the embedder sees for a chunk: its path (a strong signal for code) and its text. */
export const embedText = (path: string, text: string): string => `${path}\n${text}`

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
  // Each read checks that the file it opened lies under the root's real path.
  const realRoot = realRootSync(root)
  for (const cand of files) {
    const prev = prevOf(cand.path)
    if (!force && prev && prev.size === cand.size && prev.mtimeMs === cand.mtimeMs) {
      out.result.unchanged++
      continue
    }
    const src = readSource(realRoot, join(root, cand.path), cand.size)
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
