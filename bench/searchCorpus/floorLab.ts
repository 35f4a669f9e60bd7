/**
 * The relevance floor on the per-language sets: how often real queries (doc-comment sentences,
 * whose answer is in the set) are called weak, per mode, against made-up queries (whose answer is
 * not), with the evidence the floor weighs (relevanceFloor.ts). For setting its thresholds.
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/searchCorpus/floorLab.ts [--sets a,b]
 */
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CodeHashEmbedder } from '../../src/main/core/inference/codeHashEmbedder'
import { processQuery } from '../../src/main/core/index/query'
import { queryLexemes, wordShare } from '../../src/main/core/index/relevanceFloor'
import { WorkspaceIndex } from '../../src/main/core/index/workspaceIndex'

const { values } = parseArgs({ options: { sets: { type: 'string' } } })
const sets = (values.sets ?? 'javascript,python,go').split(',')

/** Words no set holds, and topics none of them is about. */
const MADE_UP = [
  'xyzzy_nonexistent',
  'frobnicate the quux',
  'zorblax',
  'qwxv plonk',
  'flibbertigibbet wumpus',
  'snarfle garthok',
  'blorptastic',
  'plumbus dinglebop schleem',
  'quantum chromodynamics lattice gauge',
  'photosynthesis chlorophyll',
  'medieval cathedral architecture',
  'sourdough fermentation starter',
]

const pct = (xs: boolean[]): number =>
  +((100 * xs.filter(Boolean).length) / Math.max(1, xs.length)).toFixed(1)
const quantiles = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b)
  return [0.05, 0.1, 0.5].map((p) => (s[Math.floor(p * (s.length - 1))] ?? 0).toFixed(2)).join('/')
}

for (const set of sets) {
  const dir =
    set === 'javascript'
      ? join(tmpdir(), 'hearth-searchbench')
      : join(tmpdir(), 'hearth-searchbench-langs', set)
  const ws = join(dir, 'workspace')
  const real = readFileSync(join(dir, 'queries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { query: string }).query)
  const idx = await WorkspaceIndex.open({ root: ws, dbDir: null, embedder: new CodeHashEmbedder() })
  try {
    await idx.fullScan()
    await idx.waitForEmbeddings()
    const row: Record<string, unknown> = {}
    for (const [kind, queries] of [
      ['real', real],
      ['madeUp', MADE_UP],
    ] as const) {
      const share: number[] = []
      const sim: number[] = []
      const weak: Record<string, boolean[]> = { fts: [], vector: [], hybrid: [] }
      for (const query of queries) {
        const lex = queryLexemes(processQuery(query).words)
        for (const mode of ['fts', 'vector', 'hybrid'] as const) {
          const r = await idx.search(query, { mode, limit: 10, maxPerFile: 1 })
          weak[mode]?.push(r.weak === true)
          if (mode === 'vector') sim.push(r.results[0]?.score ?? 0)
          if (mode === 'hybrid') {
            let best = 0
            for (const x of r.results) {
              const lines = readFileSync(join(ws, x.path), 'utf8').split('\n')
              best = Math.max(
                best,
                wordShare(lex, x.path, lines.slice(x.startLine - 1, x.endLine).join('\n')),
              )
            }
            share.push(best)
          }
        }
      }
      row[kind] = {
        queries: queries.length,
        weakPct: { fts: pct(weak.fts ?? []), vector: pct(weak.vector ?? []), hybrid: pct(weak.hybrid ?? []) },
        wordShareP5P10P50: quantiles(share),
        similarityP5P10P50: quantiles(sim),
        ...(kind === 'madeUp'
          ? { similarityMax: Math.max(...sim).toFixed(2), wordShareMax: Math.max(...share).toFixed(2) }
          : {}),
      }
    }
    console.log(JSON.stringify({ set, ...row }))
  } finally {
    await idx.close()
  }
}
