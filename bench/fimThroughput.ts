import type { LlamaCompletion } from 'node-llama-cpp'
import type { EmbeddedProvider } from '../src/main/core/inference/embeddedProvider'
import { collect, type FimPrompt } from '../src/main/core/inference/fimTypes'
import { directTokensPerS, type InfillPrompt } from './directEngine'
import { TPUT_RUNS, TPUT_TOKENS } from './fimConfig'

/**
 * Phase 4: engine throughput, Hearth's EmbeddedProvider vs node-llama-cpp direct (same loaded
 * model, context settings, prompt, token count), alternating which goes first; tokens/s per run.
 */
export async function measureThroughput(
  embedded: EmbeddedProvider,
  raw: LlamaCompletion,
  prompt: { prompt: FimPrompt; direct: InfillPrompt },
): Promise<{ hearthTps: number[]; rawTps: number[] }> {
  const hearthTps: number[] = []
  const rawTps: number[] = []
  for (let i = 0; i < TPUT_RUNS; i++) {
    const viaHearth = async (): Promise<void> => {
      const t0 = performance.now()
      const r = await collect(
        embedded.stream(prompt.prompt, {
          maxTokens: TPUT_TOKENS,
          temperature: 0,
          stop: [],
          signal: new AbortController().signal,
          timeoutMs: 120_000,
        }),
      )
      hearthTps.push(r.timing.tokens / ((performance.now() - t0) / 1000))
    }
    const direct = async (): Promise<void> => {
      rawTps.push(await directTokensPerS(raw, prompt.direct, TPUT_TOKENS))
    }
    if (i % 2) {
      await viaHearth()
      await direct()
    } else {
      await direct()
      await viaHearth()
    }
  }
  return { hearthTps, rawTps }
}
