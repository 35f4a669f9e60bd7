import os from 'node:os'
import type { InfillPrompt } from './directEngine'
import type { AbortFigures } from './fimAbort'
import { MISS_ROUNDS, MISS_TOKENS, MODEL, THREADS, TPUT_TOKENS } from './fimConfig'
import type { FlashAttentionSide } from './fimFlashAttention'
import type { HitFigures } from './fimHits'
import type { MissFigures } from './fimMisses'
import { r2, stats } from './fimStats'

export interface FimFigures {
  hits: HitFigures
  /** Characters of prefix and suffix in each cache hit request. */
  cachePayloadChars: number
  misses: MissFigures
  aborts: AbortFigures
  throughput: { hearthTps: number[]; rawTps: number[] }
  flashAttention: {
    /** The provider's setting. */
    provider: boolean
    on: FlashAttentionSide
    off: FlashAttentionSide
    prompts: readonly InfillPrompt[]
  }
}

/** The JSON bench:fim prints: the four headline figures, then their details (see bench/fim.ts). */
export function fimReport({
  hits,
  cachePayloadChars,
  misses: m,
  aborts,
  throughput,
  flashAttention: fa,
}: FimFigures) {
  const hearthT = stats(throughput.hearthTps)
  const rawT = stats(throughput.rawTps)
  const hitS = stats(hits.hit)
  const overheadS = stats(m.overhead)
  const abortS = stats(aborts.abortCancel)
  return {
    cacheHitRoundTripP95Ms: hitS.p95,
    missOverheadP95Ms: overheadS.p95,
    abortLatencyP95Ms: abortS.p95,
    engineThroughputRatio: r2(hearthT.median / rawT.median),
    details: {
      machine: {
        cpus: os.cpus().length,
        loadavg: os.loadavg().map(r2),
      },
      model: MODEL.split('/').pop(),
      threads: THREADS,
      transport:
        'WebSocket /rpc of hearth serve (core and server in the bench process on 127.0.0.1), ContractClient in a second process (bench/fimRenderer.ts), timed there',
      cacheHitMs: hitS,
      typedAheadMs: stats(hits.typed),
      notCacheAnswers: hits.notHits,
      cachePayloadChars,
      missMs: {
        hearth: stats(m.hearthMiss),
        directEngine: stats(m.rawMiss),
        overhead: overheadS,
        // The same measurement between two identical direct engine calls: the jitter floor.
        noiseFloorDirectVsDirect: stats(m.noiseFloor),
        // Both again as median(Hearth) − median(direct) per prompt, for comparison: unpaired, so
        // more exposed to the machine's drift (see bench/fimMisses.ts).
        overheadMedianOfEachSide: stats(m.overheadOfMedians),
        noiseFloorMedianOfEachSide: stats(m.noiseOfMedians),
        // Round trip minus the time inside the provider's stream: transport, validation, cache,
        // context, prompt, post-processing — Hearth's own share, free of engine jitter.
        hearthOutsideProvider: stats(m.outsideProvider),
        // Its two halves: renderer's send → the provider's stream begins, and the stream's end →
        // the renderer has the answer (post-processing, reply).
        hearthBeforeProvider: stats(m.beforeProvider),
        hearthAfterProvider: stats(m.afterProvider),
        // The embedded provider's own timing (stream start → last token), per position: compare
        // with directEngine to see what Hearth costs while tokens are being generated.
        engineInsideHearth: stats(m.engineInHearth),
        engineInsideHearthMinusDirect: stats(m.engineMinusDirect),
        singlePairOverhead: stats(m.singlePairs),
        roundsPerPrompt: MISS_ROUNDS,
        pairsSkippedTextDiffered: m.skipped,
        // Hearth calls whose prompt (with its context) was not the one the direct call got.
        hearthPromptsDiffered: m.promptsDiffered,
        maxTokens: MISS_TOKENS,
      },
      abortMs: {
        clientCancelToProviderSignal: abortS,
        newKeystrokeRequestToProviderSignal: stats(aborts.abortNewRequest),
        toEngineStopped: stats(aborts.abortStopped),
      },
      flashAttention: {
        provider: fa.provider,
        newPromptMs: { on: stats(fa.on.newPromptMs), off: stats(fa.off.newPromptMs) },
        newPromptChars: stats(fa.prompts.map((p) => p.prefix.length + p.suffix.length)),
        tokensPerS: { on: stats(fa.on.tokensPerS), off: stats(fa.off.tokensPerS) },
      },
      throughputTokensPerS: {
        hearthEmbeddedProvider: hearthT,
        directNodeLlamaCpp: rawT,
        tokensPerRun: TPUT_TOKENS,
      },
    },
  }
}
