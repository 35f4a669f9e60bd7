/**
 * What the model router costs on the keystroke path, measured side by side in one run against
 * the same local Ollama-protocol server (tests/helpers/fakeOllama, real HTTP on 127.0.0.1):
 *
 * - routerOverheadP50Ms / P95Ms: a completion through RoutedCompletionProvider (select, balance,
 *   stats, breaker bookkeeping) minus the same completion through OllamaProvider directly —
 *   interleaved pairs, so machine noise hits both sides alike;
 * - selectP50Us / P99Us: one `select()` with the size rule, a latency budget and two endpoints
 *   to balance;
 * - failoverMs: a request whose preferred backend refuses the connection, served by the next
 *   tier within the same call (nothing was sent, so it is not a late retry);
 * - fallbackAfterDownMs: health check finds the preferred backend down → next request routed to
 *   the fallback (time of one checkAll()).
 *
 * usage: npx tsx --tsconfig tsconfig.node.json bench/router.ts [--n 300]   (prints one JSON object)
 */
import { createServer } from 'node:net'
import { parseArgs } from 'node:util'
import { buildPrompt, DEFAULT_PROMPT_BUDGET } from '../src/main/core/completion/promptBudget'
import { templateFor } from '../src/main/core/inference/fimTemplates'
import { CodeHashEmbedder } from '../src/main/core/inference/codeHashEmbedder'
import { collect, type GenerateOptions } from '../src/main/core/inference/fimTypes'
import { OllamaProvider } from '../src/main/core/inference/ollamaProvider'
import { HttpClient } from '../src/main/core/net/httpClient'
import { ModelRouter } from '../src/main/core/router/modelRouter'
import { defaultProviderFactory } from '../src/main/core/inference/providerFactory'
import { MemorySecretStore } from '../src/main/core/secrets/memorySecretStore'
import { TokenStore } from '../src/main/core/secrets/tokenStore'
import { defaultSettings } from '../src/shared/settings/defaults'
import { FakeOllama } from '../tests/helpers/fakeOllama'

const { values } = parseArgs({ options: { n: { type: 'string' } } })
const N = Number(values.n ?? 300)

const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN
}
const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d

async function refusedUrl(): Promise<string> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return `http://127.0.0.1:${port}`
}

const prompt = buildPrompt(
  templateFor('qwen2.5-coder:1.5b'),
  { prefix: 'function add(a, b) {\n  ', suffix: '\n}\n', snippets: [], path: 'a.ts', language: 'typescript' },
  DEFAULT_PROMPT_BUDGET,
)
const opts = (): GenerateOptions => ({
  maxTokens: 16,
  temperature: 0.1,
  stop: [],
  signal: new AbortController().signal,
  timeoutMs: 5000,
})

const ollama = await new FakeOllama().start()
const ollama2 = await new FakeOllama().start()
const dead = await refusedUrl()
const http = new HttpClient()
const s = defaultSettings()
s.endpoints = {
  ollama: { kind: 'ollama', url: ollama.url },
  ollama2: { kind: 'ollama', url: ollama2.url },
  dead: { kind: 'ollama', url: dead },
  embedded: { kind: 'embedded' },
}
const laptop = s.profiles.laptop!
// Same single server on both sides, so the difference is the router's own work.
laptop.tasks.completion = {
  chain: [{ endpoints: ['ollama'], model: 'qwen2.5-coder:1.5b' }],
  timeoutMs: 5000,
  rule: { smallModel: 'qwen2.5-coder:1.5b', largeAbove: 6000, smallBelow: 10, respectLatencyBudget: true },
}
const router = new ModelRouter({
  http,
  tokens: new TokenStore(new MemorySecretStore()),
  settings: s,
  factory: defaultProviderFactory({ http, embeddedEmbedder: () => new CodeHashEmbedder() }),
  monitor: false,
})
const routed = router.completionProvider()
const direct = new OllamaProvider({ url: ollama.url, model: 'qwen2.5-coder:1.5b', http })

// Warm-up: JIT, sockets.
for (let i = 0; i < 30; i++) {
  await collect(routed.stream(prompt, opts()))
  await collect(direct.stream(prompt, opts()))
}
const overhead: number[] = []
const directMs: number[] = []
for (let i = 0; i < N; i++) {
  const first = i % 2 === 0
  let r = 0
  let d = 0
  for (const which of first ? ['r', 'd'] : ['d', 'r']) {
    const t = performance.now()
    await collect((which === 'r' ? routed : direct).stream(prompt, opts()))
    if (which === 'r') r = performance.now() - t
    else d = performance.now() - t
  }
  overhead.push(r - d)
  directMs.push(d)
}

// select() with two endpoints to balance (the resource-based default ranks them).
laptop.tasks.completion = {
  ...laptop.tasks.completion,
  chain: [{ endpoints: ['ollama', 'ollama2'], model: 'qwen2.5-coder:1.5b' }],
}
router.applySettings(s)
const sel: number[] = []
for (let i = 0; i < 20_000; i++) {
  const t = performance.now()
  router.select('completion', { complexity: 500, latencyBudgetMs: 300 })
  sel.push(performance.now() - t)
}

// Failover within the call: preferred tier refuses the connection.
laptop.tasks.completion = {
  chain: [
    { endpoints: ['dead'], model: 'qwen2.5-coder:1.5b' },
    { endpoints: ['ollama'], model: 'qwen2.5-coder:1.5b' },
  ],
  timeoutMs: 5000,
}
const failover: number[] = []
const fallbackAfterDown: number[] = []
for (let i = 0; i < 20; i++) {
  const r = new ModelRouter({
    http,
    tokens: new TokenStore(new MemorySecretStore()),
    settings: s,
    factory: defaultProviderFactory({ http, embeddedEmbedder: () => new CodeHashEmbedder() }),
    monitor: false,
  })
  let t = performance.now()
  await collect(r.completionProvider().stream(prompt, opts()))
  failover.push(performance.now() - t)
  await r.dispose()
  const r2 = new ModelRouter({
    http,
    tokens: new TokenStore(new MemorySecretStore()),
    settings: s,
    factory: defaultProviderFactory({ http, embeddedEmbedder: () => new CodeHashEmbedder() }),
    monitor: false,
  })
  t = performance.now()
  await r2.checkAll()
  if (r2.peek('completion').endpointId !== 'ollama') throw new Error('expected fallback after check')
  fallbackAfterDown.push(performance.now() - t)
  await r2.dispose()
}

console.log(
  JSON.stringify({
    n: N,
    directP50Ms: round(q(directMs, 0.5)),
    directP95Ms: round(q(directMs, 0.95)),
    routerOverheadP50Ms: round(q(overhead, 0.5)),
    routerOverheadP95Ms: round(q(overhead, 0.95)),
    selectP50Us: round(q(sel, 0.5) * 1000, 2),
    selectP99Us: round(q(sel, 0.99) * 1000, 2),
    failoverP50Ms: round(q(failover, 0.5)),
    failoverP95Ms: round(q(failover, 0.95)),
    fallbackAfterDownP50Ms: round(q(fallbackAfterDown, 0.5)),
  }),
)
await router.dispose()
http.dispose()
await Promise.all([ollama.close(), ollama2.close()])
