import type { LlamaModel } from 'node-llama-cpp'
import { sharedLlama, type EngineContextOptions } from '../src/main/core/inference/embeddedProvider'
import { directTokensPerS, type InfillPrompt } from './directEngine'

/** One side's figures: per-call times in ms and throughputs in tokens/s. */
export interface FlashAttentionSide {
  /** A prompt the engine has not seen (a new cursor position): the whole prompt evaluated, then one token. */
  newPromptMs: number[]
  /** The throughput phase's generation (its short prompt and token count). */
  tokensPerS: number[]
}

/**
 * Why the embedded provider turns llama.cpp's flash attention off (node-llama-cpp's "auto" turns
 * it on for the CPU): the same model, settings and prompts with it on and off, in one run,
 * alternating which goes first. `prompts` are FIM prompts at distinct positions, each used once
 * per side, so every call evaluates its whole prompt, as the first request at a new position does.
 */
export async function compareFlashAttention(
  model: LlamaModel,
  settings: EngineContextOptions,
  prompts: readonly InfillPrompt[],
  throughput: { prompt: InfillPrompt; tokens: number },
): Promise<{ on: FlashAttentionSide; off: FlashAttentionSide }> {
  const { mod } = await sharedLlama()
  const side = async (flashAttention: boolean) => {
    const context = await model.createContext({ ...settings, flashAttention })
    const completion = new mod.LlamaCompletion({ contextSequence: context.getSequence() })
    return { context, completion, out: { newPromptMs: [], tokensPerS: [] } as FlashAttentionSide }
  }
  const on = await side(true)
  const off = await side(false)
  try {
    for (let i = 0; i < prompts.length; i++) {
      const p = prompts[i]
      if (!p) continue
      for (const s of i % 2 ? [on, off] : [off, on]) {
        const t0 = performance.now()
        await s.completion.generateInfillCompletion(p.prefix, p.suffix, { maxTokens: 1, temperature: 0 })
        s.out.newPromptMs.push(performance.now() - t0)
        s.out.tokensPerS.push(await directTokensPerS(s.completion, throughput.prompt, throughput.tokens))
      }
    }
  } finally {
    for (const s of [on, off]) {
      s.completion.dispose()
      await s.context.dispose()
    }
  }
  return { on: on.out, off: off.out }
}
