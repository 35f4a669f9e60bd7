/**
 * Chat: what Hearth adds before the first token, and how fast @codebase retrieval is on a big index.
 *
 * 1. Overhead: the same question through Hearth (ChatService: sources, prompt, the router's chat
 *    route, the provider) and straight to the same engine, alternating, same run:
 *    - `http`: a local server speaking the OpenAI-compatible chat protocol (no generation cost, so
 *      the difference is Hearth's own: routing, prompt, HTTP client, SSE parsing) — direct is a
 *      plain fetch that reads up to the first token;
 *    - `embedded`: the in-process llama.cpp engine on the shared tiny GGUF — direct is
 *      node-llama-cpp's LlamaChat on its own model instance.
 *    Time to first token and tokens/s, medians and p95; target: Hearth's TTFT ≤ direct + 5 ms (p50).
 * 2. Retrieval: gathering @codebase sources (hybrid search + reading the ranges through the path
 *    guard + the token budget) for 30 questions, each asked twice (first asks and repeats reported
 *    apart), on an index of the real tree (`--files`, default 20,000 files ≈ 90k chunks); target
 *    p95 ≤ 50 ms. The search and what follows it are timed apart. Also the @ picker's symbol
 *    lookup by prefix on the same index.
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/chat.ts [--runs N] [--files N] [--skip-retrieval]
 *        [--skip-overhead] [--index-dir DIR] [--settle-s N]
 * `--index-dir`: the tree and its index are kept in DIR (made on the first run, reused after: the
 * 90k-chunk index takes minutes to build). A reused index is opened anew, so its first asks still
 * meet a cold buffer cache, as after the app opens a project. `--settle-s`: the index is left idle
 * that long after it opens before the first question (default 0: asked at once), as a user opens
 * the chat panel and types; the store warms its buffer cache in the background meanwhile
 * (cacheWarm.ts), and questions asked during that warm-up share the store with it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { getLlama, LlamaChat } from 'node-llama-cpp'
import { buildChatMessages } from '../src/main/core/chat/chatPrompt'
import { ChatService } from '../src/main/core/chat/chatService'
import { gatherSources } from '../src/main/core/chat/chatSources'
import { readWorkspaceText } from '../src/main/core/chat/workspaceText'
import { PathGuard } from '../src/main/core/files/pathGuard'
import { CodeHashEmbedder } from '../src/main/core/inference/codeHashEmbedder'
import { WorkspaceIndex } from '../src/main/core/index/workspaceIndex'
import { RoutingServices } from '../src/main/core/router/routingServices'
import { FakeOpenAi } from '../tests/helpers/fakeOpenAi'
import { testModel } from '../tests/helpers/testModels'
import { QUESTIONS, WARM_UP } from './chatQuestions'
import { copyTree, realSources } from './realTree'

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    files: { type: 'string' },
    'skip-retrieval': { type: 'boolean' },
    'skip-overhead': { type: 'boolean' },
    'index-dir': { type: 'string' },
    'settle-s': { type: 'string' },
  },
})
const RUNS = Number(values.runs ?? 30)
const FILES = Number(values.files ?? 20_000)
const MODEL = testModel('stories260K.gguf')
const QUESTION = 'Why does the retry loop double the delay after each failure?'

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return +(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN).toFixed(2)
}
const stats = (xs: number[]): { p50: number; p95: number } => ({ p50: pct(xs, 50), p95: pct(xs, 95) })

interface Sample {
  ttft: number
  tps: number
}

/** Through Hearth: the service the panel and `hearth ask` use, on a route to one endpoint. */
async function viaHearth(routing: RoutingServices, maxTokens: number): Promise<Sample> {
  const svc = new ChatService({
    route: routing.router.chat(),
    sources: { search: () => Promise.resolve([]), readFile: () => Promise.resolve('') },
    maxTokens,
    temperature: 0,
  })
  const r = await svc.ask({ question: QUESTION })
  return { ttft: r.ttftMs ?? NaN, tps: r.tokens / (r.ms / 1000) }
}

async function httpDirect(url: string): Promise<Sample> {
  const t0 = performance.now()
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'qwen2.5-coder-1.5b',
      messages: buildChatMessages(QUESTION, []),
      stream: true,
      max_tokens: 64,
    }),
  })
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const dec = new TextDecoder()
  let ttft = NaN
  let tokens = 0
  let buf = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    buf += dec.decode(value, { stream: true })
    let i
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const ev = buf.slice(0, i)
      buf = buf.slice(i + 2)
      if (!ev.startsWith('data: ') || ev === 'data: [DONE]') continue
      const content = (JSON.parse(ev.slice(6)) as { choices?: { delta?: { content?: string } }[] })
        .choices?.[0]?.delta?.content
      if (content) {
        if (Number.isNaN(ttft)) ttft = performance.now() - t0
        tokens++
      }
    }
  }
  return { ttft, tps: tokens / ((performance.now() - t0) / 1000) }
}

async function overheadHttp(): Promise<Record<string, unknown>> {
  const server = await new FakeOpenAi().start()
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-chat-'))
  const routing = await RoutingServices.create({
    dataDir,
    monitor: false,
    watchIntervalMs: 0,
    override: {
      task: 'chat',
      serve: { endpoint: { kind: 'openai', url: server.url }, model: 'qwen2.5-coder-1.5b' },
    },
  })
  const hearth: Sample[] = []
  const direct: Sample[] = []
  try {
    for (let i = 0; i < 3; i++) await viaHearth(routing, 64) // warm: connections, JIT
    for (let i = 0; i < RUNS; i++) {
      hearth.push(await viaHearth(routing, 64))
      direct.push(await httpDirect(server.url))
    }
  } finally {
    await routing.dispose()
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return summarise(hearth, direct)
}

async function overheadEmbedded(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-chat-'))
  const routing = await RoutingServices.create({
    dataDir,
    monitor: false,
    watchIntervalMs: 0,
    override: {
      task: 'chat',
      serve: {
        endpoint: { kind: 'embedded', modelsDir: join(MODEL, '..'), threads: 1 },
        model: 'stories260K.gguf',
      },
    },
  })
  const llama = await getLlama({ gpu: false, skipDownload: true })
  const model = await llama.loadModel({ modelPath: MODEL })
  const context = await model.createContext({
    contextSize: Math.min(model.trainContextSize, 8192),
    threads: 1,
  })
  const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: 'auto' })
  const direct = async (): Promise<Sample> => {
    const t0 = performance.now()
    let ttft = NaN
    let tokens = 0
    // The very messages Hearth sends for this question (its instructions, then the question).
    const [system, user] = buildChatMessages(QUESTION, [])
    await chat.generateResponse(
      [
        { type: 'system', text: system?.content ?? '' },
        { type: 'user', text: user?.content ?? '' },
        { type: 'model', response: [] },
      ],
      {
        maxTokens: 32,
        temperature: 0,
        onTextChunk: () => {
          if (Number.isNaN(ttft)) ttft = performance.now() - t0
        },
        onToken: (t) => (tokens += t.length),
      },
    )
    return { ttft, tps: tokens / ((performance.now() - t0) / 1000) }
  }
  const hearth: Sample[] = []
  const plain: Sample[] = []
  try {
    await viaHearth(routing, 32) // loads the model
    await direct()
    for (let i = 0; i < RUNS; i++) {
      hearth.push(await viaHearth(routing, 32))
      plain.push(await direct())
    }
  } finally {
    chat.dispose()
    await context.dispose()
    await model.dispose()
    await routing.dispose()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return summarise(hearth, plain)
}

function summarise(hearth: Sample[], direct: Sample[]): Record<string, unknown> {
  const h = stats(hearth.map((s) => s.ttft))
  const d = stats(direct.map((s) => s.ttft))
  return {
    ttftMs: { hearth: h, direct: d, overheadP50: +(h.p50 - d.p50).toFixed(2), targetOverheadP50: 5 },
    tokensPerSecond: {
      hearth: pct(
        hearth.map((s) => s.tps),
        50,
      ),
      direct: pct(
        direct.map((s) => s.tps),
        50,
      ),
    },
  }
}

async function retrieval(): Promise<Record<string, unknown>> {
  const kept = values['index-dir']
  const root = kept ? join(kept, 'tree') : mkdtempSync(join(tmpdir(), 'hearth-bench-chat-tree-'))
  const dbDir = kept ? join(kept, 'db') : mkdtempSync(join(tmpdir(), 'hearth-bench-chat-db-'))
  if (!kept || !existsSync(root)) {
    mkdirSync(root, { recursive: true })
    copyTree(realSources(FILES), root)
  }
  const idx = await WorkspaceIndex.open({ root, dbDir, embedder: new CodeHashEmbedder() })
  try {
    await idx.fullScan()
    await idx.waitForEmbeddings()
    const st = await idx.stats()
    // The panel's own ports: the index's hybrid search, and files read as chatHandlers reads them
    // (through the path guard, decoded). Timed apart: the search, then what follows it (the reads,
    // cutting the ranges, the budget).
    const guard = new PathGuard(root)
    let searchMs = 0
    const ports = {
      search: async (q: string, limit: number) => {
        const t = performance.now()
        const r = (await idx.search(q, { mode: 'hybrid', limit, maxPerFile: 2 })).results
        searchMs = performance.now() - t
        return r
      },
      readFile: (path: string) => readWorkspaceText(guard, path),
    }
    await new Promise((resolve) => setTimeout(resolve, Number(values['settle-s'] ?? 0) * 1000))
    for (const q of WARM_UP) await gatherSources(q, { codebase: true }, ports)
    // Each question twice, all once before any again: a question's first ask reads its pages of
    // the index (full-text postings, the HNSW graph's neighbourhood) into the database's buffers,
    // the repeat finds them there. Users mostly ask new questions.
    const first: number[] = []
    const repeat: number[] = []
    const searches: number[] = []
    const after: number[] = []
    const sent: number[] = []
    const load = [loadavg()[0] ?? NaN]
    for (let i = 0; i < 2 * QUESTIONS.length; i++) {
      const t0 = performance.now()
      const s = await gatherSources(QUESTIONS[i % QUESTIONS.length] ?? '', { codebase: true }, ports)
      const total = performance.now() - t0
      ;(i < QUESTIONS.length ? first : repeat).push(total)
      searches.push(searchMs)
      after.push(total - searchMs)
      sent.push(s.length)
    }
    load.push(loadavg()[0] ?? NaN)
    // The @ picker's symbol lookup, as typing goes: each prefix of a few names.
    const typed = [
      'parse',
      'createS',
      'resolveP',
      'toCamel',
      'escapeH',
      'merge',
      'walkD',
      'watch',
      'get',
      'norm',
    ]
    const symbolMs: number[] = []
    const found: number[] = []
    for (const p of typed) await idx.symbolsByPrefix(p, 8) // warm-up
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now()
      const hits = await idx.symbolsByPrefix(typed[i % typed.length] ?? 'get', 8)
      symbolMs.push(performance.now() - t0)
      found.push(hits.length)
    }
    return {
      files: st.files,
      chunks: st.chunks,
      gatherMs: stats([...first, ...repeat]),
      gatherFirstAskMs: stats(first),
      gatherRepeatMs: stats(repeat),
      searchMs: stats(searches),
      readAndBudgetMs: stats(after),
      sourcesSentP50: pct(sent, 50),
      loadAverage1m: load.map((l) => +l.toFixed(2)),
      settleS: Number(values['settle-s'] ?? 0),
      targetP95Ms: 50,
      symbolLookupMs: stats(symbolMs),
      symbolsFoundP50: pct(found, 50),
    }
  } finally {
    await idx.close()
    if (!kept) {
      rmSync(root, { recursive: true, force: true })
      rmSync(dbDir, { recursive: true, force: true })
    }
  }
}

const out = {
  bench: 'chat',
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '' },
  runs: RUNS,
  ...(values['skip-overhead']
    ? {}
    : { overhead: { http: await overheadHttp(), embedded: await overheadEmbedded() } }),
  ...(values['skip-retrieval'] ? {} : { retrieval: await retrieval() }),
}
process.stdout.write(`${JSON.stringify(out)}\n`)
