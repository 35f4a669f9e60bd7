/**
 * FIM benchmark (`npm run bench:fim`): prints one JSON object.
 *
 *  - cacheHitRoundTripP95Ms: a renderer-like client (ContractClient over the real WebSocket
 *    transport of `hearth serve`; the core and server run in this process on 127.0.0.1, the client
 *    in a second one, bench/fimRenderer.ts, as the renderer does) asks for a position whose
 *    completion is cached; time from call to validated answer, taken in the client's process.
 *    Payload as the renderer sends it (prefix/suffix from a real 20 KB source file).
 *  - missOverheadP95Ms: per prompt, side by side in one run: Hearth's round trip for a miss
 *    (explicit trigger, so no debounce — the debounce is a deliberate wait, not overhead) minus
 *    a direct node-llama-cpp infill call with the same prompt, settings and token budget, on the
 *    model Hearth has loaded, timed back to back; the median over rounds per prompt, p95 over
 *    prompts. Pairs whose texts differ (Hearth stopped early) are left out and counted.
 *  - abortLatencyP95Ms: the client aborts a streaming request (what a keystroke does) → the
 *    provider's AbortSignal fires in the core. Also reported: a new keystroke's request aborting
 *    the old generation, and the time until the engine has actually stopped.
 *  - engineThroughputRatio: tokens/s through Hearth's EmbeddedProvider ÷ tokens/s calling
 *    node-llama-cpp directly (same loaded model, context settings, prompt, token count).
 *  - details.flashAttention: the engine with llama.cpp's flash attention on and off (why the
 *    provider's default is off): a new position's prompt evaluated, and tokens/s.
 *
 * The real engine is the tiny test GGUF (no GPU, no Ollama here): the numbers measure Hearth's
 * machinery, not model quality. The machine is shared; medians and p95 are reported.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { Core } from '../src/main/core/createCore'
import { EmbeddedProvider } from '../src/main/core/inference/embeddedProvider'
import { CodeHashEmbedder } from '../src/main/core/inference/codeHashEmbedder'
import { templateFor } from '../src/main/core/inference/fimTemplates'
import { defaultProviderFactory } from '../src/main/core/inference/providerFactory'
import { HttpClient } from '../src/main/core/net/httpClient'
import { OVERRIDE_ENDPOINT_ID } from '../src/main/core/settings/taskOverride'
import { startServer } from '../src/main/server/hearthServer'
import { measureAborts } from './fimAbort'
import { FimClient } from './fimClient'
import { CONTEXT, FA_PROMPTS, MISS_BUDGET, MISS_TOKENS, MODEL, THREADS, TPUT_TOKENS } from './fimConfig'
import { openDirectEngines } from './fimDirectEngines'
import { compareFlashAttention } from './fimFlashAttention'
import { measureHits } from './fimHits'
import { InstrumentedProvider } from './fimInstrumentedProvider'
import { measureMisses } from './fimMisses'
import { hitPosition, readSource, throughputPrompt } from './fimPositions'
import { RendererProcess } from './fimRendererProcess'
import { fimReport } from './fimReport'
import { measureThroughput } from './fimThroughput'

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-fim-'))
  const source = readSource()
  const embedded = new EmbeddedProvider({
    modelPath: MODEL,
    threads: THREADS,
    contextSize: CONTEXT,
    idleUnloadMs: 0,
  })
  const provider = new InstrumentedProvider(embedded)
  // Completions go through the router as in the app: the completion task is overridden to one
  // embedded endpoint whose provider is the instrumented one (the factory hands it out); its
  // deadline is left to the service's own settings.
  const base = defaultProviderFactory({
    http: new HttpClient(),
    embeddedEmbedder: () => new CodeHashEmbedder(),
  })
  const core = await Core.create({
    dataDir,
    log: () => undefined,
    override: {
      task: 'completion',
      serve: { endpoint: { kind: 'embedded', modelsDir: dirname(MODEL) }, model: basename(MODEL) },
      timeoutMs: 600_000,
    },
    factory: {
      completion: (spec) => (spec.endpointId === OVERRIDE_ENDPOINT_ID ? provider : base.completion(spec)),
      embedder: (spec) => base.embedder(spec),
      chat: (spec) => base.chat(spec),
    },
    completion: {
      persistentCache: false,
      service: { temperature: 0, maxLines: 1000, contextTimeoutMs: 40, promptBudget: MISS_BUDGET },
    },
  })
  provider.maxTokens = MISS_TOKENS
  const server = await startServer({ core, port: 0 })
  // The client runs in its own process, as the renderer does: it never shares this event loop
  // (core, server, engine), and every round trip is timed on its side.
  const renderer = await RendererProcess.start(server.url)
  const client = new FimClient(renderer)

  // Warm: load the model, JIT the paths.
  await embedded.load()
  const hitAt = hitPosition(source)
  // 1. Cache hit round trip over the WebSocket transport, timed in the renderer process.
  const hits = await measureHits(client, hitAt.prefix, hitAt.suffix)

  // 2. Miss overhead, side by side with direct node-llama-cpp calls.
  const direct = await openDirectEngines(embedded)
  const family = templateFor(embedded.model).family
  const misses = await measureMisses({
    source,
    family,
    client,
    provider,
    clearCache: () => core.completion.cache.clear(),
    raw: direct.raw,
    twin: direct.twin,
  })

  // 3. Abort latency: a streaming request is cancelled by the client (a keystroke).
  const aborts = await measureAborts(source, client, provider)

  // 4. Engine throughput: Hearth's EmbeddedProvider vs node-llama-cpp direct, same everything.
  const tPrompt = throughputPrompt(family)
  const throughput = await measureThroughput(embedded, direct.raw, tPrompt)
  // 5. Flash attention on and off (the provider's default is off; see EmbeddedProvider).
  const faPrompts = misses.missPrompts.slice(0, FA_PROMPTS)
  const fa = await compareFlashAttention(direct.model, direct.settings, faPrompts, {
    prompt: tPrompt.direct,
    tokens: TPUT_TOKENS,
  })

  const out = fimReport({
    hits,
    cachePayloadChars: hitAt.prefix.length + hitAt.suffix.length,
    misses,
    aborts,
    throughput,
    flashAttention: { provider: direct.settings.flashAttention, ...fa, prompts: faPrompts },
  })
  process.stdout.write(JSON.stringify(out, null, 2) + '\n')

  // The figures are out; a teardown that never finishes must not hold the run (once, a dispose
  // here waited for ever after the JSON was printed), so it gets a time limit and says so.
  const teardown = async (): Promise<void> => {
    await renderer.close()
    await direct.dispose()
    await server.close()
    await core.dispose()
  }
  const limit = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 20_000).unref())
  if ((await Promise.race([teardown(), limit])) === 'late')
    process.stderr.write('bench:fim: teardown did not finish within 20 s; exiting anyway\n')
  rmSync(dataDir, { recursive: true, force: true })
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench:fim failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    )
    process.exit(1)
  },
)
