import type { LlamaCompletion } from 'node-llama-cpp'
import { decideMode, processCompletion } from '../src/main/core/completion/postprocess'
import type { FimFamily } from '../src/main/core/inference/fimTemplates'
import type { InfillPrompt } from './directEngine'
import type { FimClient } from './fimClient'
import { MISS_ROUNDS, MISS_RUNS, MISS_TOKENS } from './fimConfig'
import type { InstrumentedProvider } from './fimInstrumentedProvider'
import { missPosition, missSpots, type MissPosition } from './fimPositions'
import { stats } from './fimStats'

/** Per prompt (medians over its rounds) unless said otherwise; ms. */
export interface MissFigures {
  hearthMiss: number[]
  rawMiss: number[]
  /** Median over rounds of (Hearth − direct) within a round. */
  overhead: number[]
  /** The same between two identical direct engines: the jitter floor. */
  noiseFloor: number[]
  /** median(Hearth) − median(direct), and the same for the twin. */
  overheadOfMedians: number[]
  noiseOfMedians: number[]
  /** The provider's own timing (stream start → last token), and it minus the direct call. */
  engineInHearth: number[]
  engineMinusDirect: number[]
  /** Every single round's Hearth − direct. */
  singlePairs: number[]
  /** Per Hearth call: round trip minus the time inside the provider's stream, and its two halves. */
  outsideProvider: number[]
  beforeProvider: number[]
  afterProvider: number[]
  /** Positions left out because Hearth's text was not the direct call's. */
  skipped: number
  /** Hearth calls whose prompt (with its context) was not the one the direct call got. */
  promptsDiffered: number
  /** Every position's prompt, as the direct engine takes it (the flash attention comparison's). */
  missPrompts: InfillPrompt[]
}

export interface MissSetup {
  source: string
  family: FimFamily
  client: FimClient
  provider: InstrumentedProvider
  /** Empties Hearth's completion cache, so every Hearth call is a miss. */
  clearCache: () => void
  /** The direct engine, on the model Hearth's provider has loaded, same settings. */
  raw: LlamaCompletion
  /** A second direct engine on its own context, measured exactly like Hearth against `raw`. */
  twin: LlamaCompletion
}

interface HearthMiss {
  ms: number
  text: string
  inside: number
  beforeProvider: number
  engine: number
  samePrompt: boolean
}

/**
 * Phase 2: the miss overhead, side by side with a direct node-llama-cpp call on the very model
 * Hearth's provider has loaded (a second copy of the weights runs faster or slower by chance of
 * placement), same settings. The noise floor: the twin, identical work to `raw`, so whatever its
 * difference shows is the machine's run-to-run jitter, not anybody's overhead.
 */
export async function measureMisses(setup: MissSetup): Promise<MissFigures> {
  const { source, family } = setup
  const f: MissFigures = {
    hearthMiss: [],
    rawMiss: [],
    overhead: [],
    noiseFloor: [],
    overheadOfMedians: [],
    noiseOfMedians: [],
    engineInHearth: [],
    engineMinusDirect: [],
    singlePairs: [],
    outsideProvider: [],
    beforeProvider: [],
    afterProvider: [],
    skipped: 0,
    promptsDiffered: 0,
    missPrompts: [],
  }
  const spots = missSpots(source, MISS_RUNS)
  for (let i = 0; i < spots.length; i++) {
    const pos = missPosition(source, spots[i] ?? 0, family)
    f.missPrompts.push({ prefix: pos.prompt.prefixWithContext, suffix: pos.prompt.suffix })
    const { hs, ws, ts } = await rounds(setup, pos, i)
    const expected = processCompletion(ws[0]?.text ?? '', {
      prefix: pos.pruned.prefix,
      suffix: pos.pruned.suffix,
      mode: decideMode(pos.pruned.prefix, pos.pruned.suffix),
      maxLines: 1000,
      final: true,
    }).text
    f.promptsDiffered += hs.filter((h) => !h.samePrompt).length
    const differs = hs.find((h) => h.text !== expected)
    if (differs) {
      if (process.env.BENCH_DEBUG)
        process.stderr.write(
          `pair ${i} differs:\n hearth ${JSON.stringify(differs.text)}\n direct ${JSON.stringify(expected)}\n`,
        )
      f.skipped++
      continue
    }
    const med = (xs: number[]): number => stats(xs).median
    const h = med(hs.map((x) => x.ms))
    const w = med(ws.map((x) => x.ms))
    f.hearthMiss.push(h)
    f.rawMiss.push(w)
    // Per prompt: the median over rounds of (Hearth − direct) within a round. The machine's speed
    // drifts, sometimes by a third from one round to the next; a round's two calls share its speed,
    // so the difference cancels it. (The difference of the two medians did not: when the shift
    // fell mid-prompt, each median could land on a different side of it. It is still reported.)
    const minusDirect = (xs: number[]): number[] => xs.map((x, k) => x - (ws[k]?.ms ?? NaN))
    const pairs = minusDirect(hs.map((x) => x.ms))
    f.overhead.push(med(pairs))
    f.singlePairs.push(...pairs)
    f.noiseFloor.push(med(minusDirect(ts)))
    f.engineMinusDirect.push(med(minusDirect(hs.map((x) => x.engine))))
    f.overheadOfMedians.push(h - w)
    f.noiseOfMedians.push(med(ts) - w)
    for (const x of hs) {
      f.outsideProvider.push(x.ms - x.inside)
      f.beforeProvider.push(x.beforeProvider)
      f.afterProvider.push(x.ms - x.inside - x.beforeProvider)
    }
    f.engineInHearth.push(med(hs.map((x) => x.engine)))
  }
  return f
}

/**
 * MISS_ROUNDS rounds at one position; the cache is cleared so every Hearth call is a miss. The
 * direct call sits between Hearth and the twin in every round, and they swap sides each round:
 * each is timed next to its direct call, under the same machine conditions, and neither is
 * favoured by what ran just before it.
 */
async function rounds(
  { client, provider, clearCache, raw, twin }: MissSetup,
  pos: MissPosition,
  i: number,
): Promise<{ hs: HearthMiss[]; ws: { ms: number; text: string }[]; ts: number[] }> {
  const { prompt } = pos
  const rawCall = async (engine = raw): Promise<{ ms: number; text: string }> => {
    const t0 = performance.now()
    const r = await engine.generateInfillCompletion(prompt.prefixWithContext, prompt.suffix, {
      maxTokens: MISS_TOKENS,
      temperature: 0,
      customStopTriggers: [...prompt.stop],
    })
    return { ms: performance.now() - t0, text: r }
  }
  const hearthCall = async (): Promise<HearthMiss> => {
    const sent = provider.prompts.length
    const before = provider.inside.length
    const enginesBefore = provider.engine.length
    const r = await client.call(client.req(pos.prefix, pos.suffix))
    if (r.source !== 'provider') throw new Error(`miss benchmark got a ${r.source} answer`)
    const p = provider.prompts[sent]
    return {
      ms: r.ms,
      text: r.text,
      inside: provider.inside[before] ?? NaN,
      // Renderer's send → the provider's stream begins (transport, validation, cache, context, prompt).
      beforeProvider: (provider.begins[before] ?? NaN) - r.at,
      engine: provider.engine[enginesBefore] ?? NaN,
      samePrompt: p?.prefixWithContext === prompt.prefixWithContext && p.suffix === prompt.suffix,
    }
  }
  const hs: HearthMiss[] = []
  const ws: { ms: number; text: string }[] = []
  const ts: number[] = []
  for (let round = 0; round < MISS_ROUNDS; round++) {
    clearCache()
    if ((i + round) % 2 === 0) {
      hs.push(await hearthCall())
      ws.push(await rawCall())
      ts.push((await rawCall(twin)).ms)
    } else {
      ts.push((await rawCall(twin)).ms)
      ws.push(await rawCall())
      hs.push(await hearthCall())
    }
  }
  return { hs, ws, ts }
}
