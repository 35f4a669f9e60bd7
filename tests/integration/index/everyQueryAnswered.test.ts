import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SearchResponse, type IndexStatus } from '@shared/contract/search'
import { Core } from '../../../src/main/core/createCore'
import type { CallContext } from '../../../src/main/core/rpc/handlers'

// Ordinary queries a newcomer types ("how do I…", a keyword, a digit) through the contract, in
// every mode: the built-in embedder maps a query with no content words to a zero vector, whose
// cosine distance is NaN — which used to reach the contract as an invalid result.
const ctx: CallContext = { signal: new AbortController().signal, transport: 'local' }
const QUERIES = ['the', 'if', 'how do I', 'export', 'const', 'x', '123', '???', 'a'.repeat(2000), '🔥', '   ']

const NOTHING_TO_SEARCH = ['the', 'if', 'how do I', '???']

let dataDir: string
let ws: string
let core: Core | undefined

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-queries-data-'))
  ws = await mkdtemp(join(tmpdir(), 'hearth-queries-ws-'))
  await mkdir(join(ws, 'src'))
  await writeFile(
    join(ws, 'src', 'retry.ts'),
    'export function retryWithBackoff(fn: () => void, tries = 3) {\n  for (let i = 0; i < tries; i++) fn()\n}\n',
  )
  await writeFile(
    join(ws, 'src', 'math.ts'),
    'export const answer = 123\nexport function add(a: number, b: number) { return a + b }\n',
  )
  core = await Core.create({ dataDir, workspace: ws, log: () => undefined })
  const deadline = Date.now() + 60_000
  for (;;) {
    const st = (await core.dispatcher.dispatch('index.status', {}, ctx)) as IndexStatus
    if (st.state === 'ready' && st.files > 0 && st.embedBacklog === 0) break
    if (Date.now() > deadline) throw new Error(`index not ready: ${JSON.stringify(st)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
})

afterAll(async () => {
  await core?.dispose()
  await rm(dataDir, { recursive: true, force: true })
  await rm(ws, { recursive: true, force: true })
})

describe('every query gets an answer', { timeout: 60_000 }, () => {
  for (const mode of ['hybrid', 'vector', 'fts'] as const) {
    it(`${mode}: stop words, digits, punctuation, one letter, a long query, emoji`, async () => {
      for (const query of QUERIES) {
        if (!core) throw new Error('no core')
        const res = await core.dispatcher
          .dispatch('search.query', { query, mode }, ctx)
          .catch((e: unknown) => e)
        expect(res, `${mode} ${JSON.stringify(query.slice(0, 20))}`).not.toBeInstanceOf(Error)
        const parsed = SearchResponse.parse(res)
        for (const r of parsed.results) expect(Number.isFinite(r.score)).toBe(true)
        // Nothing searchable at all: the answer says so rather than an unexplained empty list.
        if (NOTHING_TO_SEARCH.includes(query)) expect(parsed.notice ?? '', `${mode} ${query}`).not.toBe('')
      }
    })
  }

  it('a query with content words still finds the code, with a real score', async () => {
    if (!core) throw new Error('no core')
    const res = SearchResponse.parse(
      await core.dispatcher.dispatch(
        'search.query',
        { query: 'how do I retry with backoff', mode: 'hybrid' },
        ctx,
      ),
    )
    expect(res.results[0]?.path).toBe('src/retry.ts')
  })
})
