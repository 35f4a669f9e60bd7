import type { LlamaCompletion, LlamaModel } from 'node-llama-cpp'
import {
  sharedLlama,
  type EmbeddedProvider,
  type EngineContextOptions,
} from '../src/main/core/inference/embeddedProvider'

export interface DirectEngines {
  /** The model Hearth's provider has loaded. */
  model: LlamaModel
  /** The provider's own context settings (size, threads, flash attention). */
  settings: EngineContextOptions
  /** A direct node-llama-cpp infill engine on its own context. */
  raw: LlamaCompletion
  /** A second one, for the noise floor. */
  twin: LlamaCompletion
  dispose(): Promise<void>
}

/**
 * Two direct engines on the very model Hearth's provider has loaded (a second copy of the weights
 * runs faster or slower by chance of placement), each on its own context with the provider's own
 * settings: same settings, by construction.
 */
export async function openDirectEngines(embedded: EmbeddedProvider): Promise<DirectEngines> {
  const { mod } = await sharedLlama()
  const model = await embedded.engineModel()
  const settings = embedded.contextOptions(model)
  const rawContext = await model.createContext(settings)
  const raw = new mod.LlamaCompletion({ contextSequence: rawContext.getSequence() })
  const twinContext = await model.createContext(settings)
  const twin = new mod.LlamaCompletion({ contextSequence: twinContext.getSequence() })
  return {
    model,
    settings,
    raw,
    twin,
    dispose: async () => {
      raw.dispose()
      twin.dispose()
      await twinContext.dispose()
      await rawContext.dispose()
    },
  }
}
