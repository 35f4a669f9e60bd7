import type { Candidate, SearchBackend, SearchOptions, SearchResult } from './searchTypes'
import type { ProcessedQuery } from './query'
import { asksForTests, demotion, resultKind } from './rankingRules'
import { queryLexemes, wordShare } from './relevanceFloor'
import type { ChunkText, StoreHit } from './store/protocol'

/**
 * The best `limit` results, at most `maxPerFile` from one file, with their text (and the best
 * share of the query's words one of them holds, for the relevance floor): ranking never
 * needed it, so it is fetched for these few only, together with the chunks of the text hashes
 * among them. A chunk deleted since it was ranked is passed over.
 *
 * Tests and generated files (rankingRules.ts) are known only once a chunk's path is: a hash the
 * vector side found has none until fetched. So a fetched chunk of one goes back into the ranking
 * at its demoted score and is shown if it still makes the cut, instead of every candidate's path
 * being looked up before ranking (most of a search's time at 90k chunks: docs/ARCHITECTURE.md).
 */
export async function showable(
  backend: SearchBackend,
  ranked: Candidate[],
  opts: SearchOptions,
  q: ProcessedQuery,
): Promise<{ results: SearchResult[]; bestWordShare: number }> {
  const queue = [...ranked]
  const lexemes = queryLexemes(q.words)
  let bestWordShare = 0
  const wantsTests = asksForTests(q.raw)
  const results: SearchResult[] = []
  const perFile = new Map<string, number>()
  const shown = new Set<number>()
  const demoted = new Set<number>()
  const fetched = new Map<number, ChunkText>()
  const take = (hit: StoreHit, text: ChunkText): void => {
    perFile.set(hit.path, (perFile.get(hit.path) ?? 0) + 1)
    shown.add(hit.id)
    results.push(toResult(hit, text, q))
    if (bestWordShare < 1) bestWordShare = Math.max(bestWordShare, wordShare(lexemes, hit.path, text.content))
  }
  let next = 0
  while (results.length < opts.limit && next < queue.length) {
    const picked: Candidate[] = []
    // Chunks whose file is full are passed over here already; a hash's chunks (and files) are
    // known once fetched.
    const tentative = new Map(perFile)
    for (; next < queue.length && results.length + picked.length < opts.limit; next++) {
      const c = queue[next] as Candidate
      if ('hit' in c) {
        const n = tentative.get(c.hit.path) ?? 0
        if (n >= opts.maxPerFile || shown.has(c.hit.id)) continue
        tentative.set(c.hit.path, n + 1)
      }
      picked.push(c)
    }
    if (picked.length === 0) break
    const ids = picked.flatMap((c) => ('hit' in c && !fetched.has(c.hit.id) ? [c.hit.id] : []))
    const hashes = picked.flatMap((c) => ('hit' in c ? [] : [c.hash]))
    const texts = ids.length + hashes.length > 0 ? await backend.chunkTexts({ ids, hashes }) : []
    for (const t of texts) fetched.set(t.id, t)
    // The best score put back so far: a candidate of this batch below it waits its turn again.
    let requeued = -Infinity
    for (const c of picked) {
      if (c.score < requeued) {
        requeue(queue, next, c)
        continue
      }
      const chunks = 'hit' in c ? [fetched.get(c.hit.id)] : texts.filter((t) => t.hash === c.hash)
      for (const t of chunks) {
        if (!t || results.length >= opts.limit || shown.has(t.id)) continue
        if ((perFile.get(t.path) ?? 0) >= opts.maxPerFile) continue
        const hit = 'hit' in c ? { ...c.hit, score: c.score } : { ...t, score: c.score }
        const factor = demoted.has(t.id)
          ? 1
          : demotion(resultKind(t.path, t.startLine === 1 ? t.content : undefined), wantsTests)
        if (factor < 1) {
          demoted.add(t.id)
          const score = c.score * factor
          requeue(queue, next, { hit: { ...hit, score }, score })
          requeued = Math.max(requeued, score)
          continue
        }
        take(hit, t)
      }
    }
  }
  return { results, bestWordShare }
}

/** Puts `c` back among the candidates not yet looked at (from `from` on), by its score. */
function requeue(queue: Candidate[], from: number, c: Candidate): void {
  let i = from
  while (i < queue.length && (queue[i] as Candidate).score >= c.score) i++
  queue.splice(i, 0, c)
}

const MAX_SNIPPET_LINES = 3
const MAX_SNIPPET_LINE = 160

function toResult(h: StoreHit, text: ChunkText, q: ProcessedQuery): SearchResult {
  const lines = text.content.split('\n')
  const matchers = q.words.filter((w) => w.length >= 2).map((w) => w.toLowerCase())
  const hits = lines.map((l) => {
    const lower = l.toLowerCase()
    return matchers.reduce((n, w) => n + (lower.includes(w) ? 1 : 0), 0)
  })
  // The window of up to three lines with the most matched words; else the first non-blank lines.
  let best = -1
  let bestScore = 0
  for (let i = 0; i < lines.length; i++) {
    let s = 0
    for (let j = i; j < Math.min(lines.length, i + MAX_SNIPPET_LINES); j++) s += hits[j] ?? 0
    if (s > bestScore) {
      bestScore = s
      best = i
    }
  }
  if (best < 0)
    best = Math.max(
      0,
      lines.findIndex((l) => l.trim() !== ''),
    )
  const snippetLines = lines
    .slice(best, best + MAX_SNIPPET_LINES)
    .map((l) => (l.length > MAX_SNIPPET_LINE ? `${l.slice(0, MAX_SNIPPET_LINE)}…` : l))
  return {
    path: h.path,
    startLine: h.startLine,
    endLine: h.endLine,
    score: Math.round(h.score * 1e4) / 1e4,
    snippet: snippetLines.join('\n'),
    snippetLine: h.startLine + best,
    matchLines: hits.flatMap((n, i) => (n > 0 ? [h.startLine + i] : [])).slice(0, 50),
    language: h.language,
    symbols: text.symbols,
  }
}
