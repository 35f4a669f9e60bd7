import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IndexStatus } from '../../../src/shared/contract/search'
import type { ResultOf } from '../../../src/shared/contract'
import { Core } from '../../../src/main/core/createCore'
import { WorkspaceIndex } from '../../../src/main/core/index/workspaceIndex'
import { createHttpEmbedder } from '../../../src/main/core/inference/httpEmbedders'
import { HttpClient } from '../../../src/main/core/net/httpClient'
import type { CallContext } from '../../../src/main/core/rpc/handlers'
import { FakeOllama } from '../../helpers/fakeOllama'
import { writeSampleWorkspace } from '../../helpers/sampleWorkspace'
import { until } from './cliHelpers'

/**
 * The app's index takes its embedder from the active profile's `embedding` task, through the real
 * core: vectors come from Ollama (its /api/embed protocol, over HTTP) while it is up; when it goes
 * down the router falls back to the built-in embedder and the index re-embeds with it; when Ollama
 * comes back the index returns to it, restoring its vectors from the embedding cache instead of
 * sending the workspace again.
 */
const OLLAMA_ID = 'ollama:nomic-embed-text'
const BUILT_IN = /^hearth-hash:/
const ctx: CallContext = { signal: new AbortController().signal, transport: 'local' }

let ollama: FakeOllama
let dataDir: string
let root: string
let core: Core | undefined

const status = async (): Promise<IndexStatus> =>
  (await core!.dispatcher.dispatch('index.status', {}, ctx)) as IndexStatus

/** Every index.status event, for failure messages. */
const history: string[] = []

/** For timeouts in the routed-core tests: the index status now. */
const explainStatus = async (): Promise<string> => JSON.stringify(await status())

/** Vectors of `embedder` cover the whole index. */
const embeddedWith = (embedder: string | RegExp) =>
  until(
    `vectors from ${String(embedder)}`,
    async () => {
      const s = await status()
      const same = typeof embedder === 'string' ? s.embedder === embedder : BUILT_IN.test(s.embedder ?? '')
      return same && s.state === 'ready' && s.chunks > 0 && s.embedBacklog === 0 ? s : undefined
    },
    60_000,
    explainStatus,
  )

const vectorSearch = async (): Promise<ResultOf<'search.query'>> => {
  try {
    return (await core!.dispatcher.dispatch(
      'search.query',
      { query: 'route an incoming request', mode: 'vector' },
      ctx,
    )) as ResultOf<'search.query'>
  } catch (err) {
    const st = await status()
    throw new Error(
      `${String(err)}; status now: ${JSON.stringify(st)}; status events:\n${history.slice(-25).join('\n')}`,
    )
  }
}

/** Texts the index sent to Ollama's /api/embed so far. */
const textsEmbeddedByOllama = (): number =>
  ollama.requests
    .filter((r) => r.path === '/api/embed')
    .reduce((n, r) => {
      const input = (r.body as { input?: string | string[] }).input
      return n + (Array.isArray(input) ? input.length : 1)
    }, 0)

beforeAll(async () => {
  ollama = await new FakeOllama().start()
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-embed-route-data-'))
  root = await mkdtemp(join(tmpdir(), 'hearth-embed-route-ws-'))
  await writeSampleWorkspace(root)
  await writeFile(
    join(dataDir, 'settings.json'),
    JSON.stringify({
      endpoints: { ollama: { url: ollama.url } },
      // Quick half-open probes so recovery shows within the test.
      health: { intervalMs: 1000, openMs: 300, maxOpenMs: 1000 },
    }),
  )
})

afterAll(async () => {
  await core?.dispose()
  await ollama.close()
  await rm(dataDir, { recursive: true, force: true })
  await rm(root, { recursive: true, force: true })
})

describe('the index follows the profile’s embedding route', () => {
  it('embeds through Ollama while it is up', async () => {
    core = await Core.create({ dataDir, workspace: root, log: () => undefined })
    core.events.subscribe((event, payload) => {
      if (event !== 'index.status') return
      const p = payload as IndexStatus
      history.push(
        `${p.embedder ?? '-'} ${p.state} backlog=${p.embedBacklog} ${p.embedState} ${p.reason ?? ''}`,
      )
    })
    const st = await embeddedWith(OLLAMA_ID)
    expect(textsEmbeddedByOllama()).toBeGreaterThanOrEqual(st.chunks)
    const r = await vectorSearch()
    expect(r.mode).toBe('vector')
    expect(r.notice).toBeUndefined()
    expect(r.results.length).toBeGreaterThan(0)
  }, 120_000)

  it('falls back to the built-in embedder when Ollama goes down, and re-embeds with it', async () => {
    ollama.fault = { kind: 'status', status: 503, body: 'overloaded' }
    await core!.dispatcher.dispatch('backends.check', {}, ctx)
    const st = await embeddedWith(BUILT_IN)
    expect(st.embedder).not.toBe(OLLAMA_ID)
    const r = await vectorSearch()
    expect(r.notice).toBeUndefined()
    expect(r.results.length).toBeGreaterThan(0)
  }, 120_000)

  it('returns to Ollama when it recovers, restoring cached vectors instead of re-sending the workspace', async () => {
    const sentBefore = textsEmbeddedByOllama()
    ollama.fault = undefined
    await until(
      'Ollama back on the route',
      async () => {
        await core!.dispatcher.dispatch('backends.check', {}, ctx)
        return (await status()).embedder === OLLAMA_ID ? true : undefined
      },
      60_000,
      explainStatus,
    )
    await embeddedWith(OLLAMA_ID)
    // At most the search query itself (and a dimension probe) went to Ollama: no chunk was re-embedded.
    const r = await vectorSearch()
    expect(r.notice).toBeUndefined()
    expect(r.results.length).toBeGreaterThan(0)
    expect(textsEmbeddedByOllama() - sentBefore).toBeLessThanOrEqual(2)
  }, 120_000)
})

describe('with no Ollama at all (the common laptop case)', () => {
  it('indexes with the built-in embedder and vector search works', async () => {
    const data = await mkdtemp(join(tmpdir(), 'hearth-embed-none-data-'))
    const ws = await mkdtemp(join(tmpdir(), 'hearth-embed-none-ws-'))
    // A port nothing listens on: connection refused, as on a laptop without Ollama.
    const dead = await new FakeOllama().start()
    const url = dead.url
    await dead.close()
    await writeSampleWorkspace(ws)
    await writeFile(join(data, 'settings.json'), JSON.stringify({ endpoints: { ollama: { url } } }))
    const other = await Core.create({ dataDir: data, workspace: ws, log: () => undefined })
    try {
      const t0 = Date.now()
      for (;;) {
        const s = (await other.dispatcher.dispatch('index.status', {}, ctx)) as IndexStatus
        // Files counted too: 'ready' with an empty backlog can come before the scan's counts.
        if (BUILT_IN.test(s.embedder ?? '') && s.state === 'ready' && s.chunks > 0 && s.embedBacklog === 0)
          break
        if (Date.now() - t0 > 30_000)
          throw new Error(`still not on the built-in embedder: ${JSON.stringify(s)}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      const r = (await other.dispatcher.dispatch(
        'search.query',
        { query: 'route an incoming request', mode: 'vector' },
        ctx,
      )) as ResultOf<'search.query'>
      expect(r.results.length).toBeGreaterThan(0)
    } finally {
      await other.dispose()
      await rm(data, { recursive: true, force: true })
      await rm(ws, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('an embedder that is not answering yet', () => {
  it('is asked again until it answers, then the backlog fills in', async () => {
    const server = await new FakeOllama().start()
    const http = new HttpClient()
    const ws = await mkdtemp(join(tmpdir(), 'hearth-embed-retry-ws-'))
    await writeSampleWorkspace(ws)
    server.fault = { kind: 'status', status: 503, body: 'loading model' }
    const idx = await WorkspaceIndex.open({
      root: ws,
      dbDir: null,
      embedder: createHttpEmbedder({ kind: 'ollama', url: server.url, model: 'nomic-embed-text', http }),
      attachInBackground: true,
    })
    try {
      await idx.fullScan()
      await until('the first probe to fail', () =>
        Promise.resolve(server.requests.length > 0 ? true : undefined),
      )
      expect((await idx.stats()).embedder).toBeNull()
      server.fault = undefined
      // The retry comes 5 s after the failed probe.
      const st = await until('the embedder attached', async () => {
        const s = await idx.stats()
        return s.embedder === OLLAMA_ID ? s : undefined
      })
      expect(st.dimensions).toBe(server.embedDim)
      expect((await idx.waitForEmbeddings())?.status).toBe('idle')
      expect((await idx.stats()).pending).toBe(0)
    } finally {
      await idx.close()
      http.dispose()
      await server.close()
      await rm(ws, { recursive: true, force: true })
    }
  }, 60_000)
})
