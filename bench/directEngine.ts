import type { LlamaCompletion } from 'node-llama-cpp'

/** A FIM prompt as node-llama-cpp's infill call takes it. */
export interface InfillPrompt {
  prefix: string
  suffix: string
}

/** Tokens/s of one direct node-llama-cpp infill call generating up to `maxTokens` at temperature 0. */
export async function directTokensPerS(
  completion: LlamaCompletion,
  prompt: InfillPrompt,
  maxTokens: number,
): Promise<number> {
  let tokens = 0
  const t0 = performance.now()
  await completion.generateInfillCompletion(prompt.prefix, prompt.suffix, {
    maxTokens,
    temperature: 0,
    onToken: (t) => (tokens += t.length),
  })
  return tokens / ((performance.now() - t0) / 1000)
}
