import type { Profile, Settings, TaskRoute } from './schema'

export const PROFILE_IDS = { laptop: 'laptop', remote: 'remote', offline: 'offline' } as const

/** Default models, in one place so the settings UI and the docs name the same ones. */
export const DEFAULT_MODELS = {
  ollamaCompletion: 'qwen2.5-coder:1.5b',
  ollamaCompletionSmall: 'qwen2.5-coder:0.5b',
  ollamaCompletionLarge: 'qwen2.5-coder:7b',
  ollamaEmbedding: 'nomic-embed-text',
  ollamaChat: 'qwen2.5-coder:7b',
  ollamaReasoning: 'deepseek-r1:7b',
  tritonCompletion: 'qwen2.5-coder-7b',
  tritonEmbedding: 'embedding',
  openaiChat: 'qwen2.5-coder-32b-instruct',
  openaiReasoning: 'deepseek-r1-distill-qwen-32b',
  /**
   * A GGUF file in the embedded endpoint's modelsDir: the file `hearth models pull
   * qwen2.5-coder-1.5b` (the catalogue's balanced default) puts there.
   */
  embeddedCompletion: 'qwen2.5-coder-1.5b-q8_0.gguf',
  /** The embedded embedder that needs no server and no download (index/embedders). */
  embeddedEmbedding: 'default',
} as const

const M = DEFAULT_MODELS

const route = (chain: TaskRoute['chain'], timeoutMs: number, rule?: TaskRoute['rule']): TaskRoute =>
  rule ? { chain, timeoutMs, rule } : { chain, timeoutMs }

/** Local Ollama first, the in-process engine when Ollama is gone. */
const localTasks = (): Profile['tasks'] => ({
  completion: route(
    [
      { endpoints: ['ollama'], model: M.ollamaCompletion },
      { endpoints: ['embedded'], model: M.embeddedCompletion },
    ],
    5_000,
    {
      smallModel: M.ollamaCompletionSmall,
      largeAbove: 6000,
      smallBelow: 800,
      respectLatencyBudget: true,
    },
  ),
  embedding: route(
    [
      { endpoints: ['ollama'], model: M.ollamaEmbedding },
      { endpoints: ['embedded'], model: M.embeddedEmbedding },
    ],
    60_000,
  ),
  chat: route(
    [
      { endpoints: ['ollama'], model: M.ollamaChat },
      { endpoints: ['embedded'], model: M.embeddedCompletion },
    ],
    120_000,
  ),
  reasoning: route(
    [
      { endpoints: ['ollama'], model: M.ollamaReasoning },
      { endpoints: ['embedded'], model: M.embeddedCompletion },
    ],
    300_000,
  ),
})

/**
 * What Hearth uses before any settings file exists. Files hold only what the user changed;
 * the effective settings are these defaults with the user file and then the workspace file on top.
 */
export function defaultSettings(): Settings {
  return {
    version: 1,
    profile: PROFILE_IDS.laptop,
    endpoints: {
      ollama: { kind: 'ollama', url: 'http://127.0.0.1:11434', label: 'Local Ollama' },
      triton: { kind: 'triton', url: 'http://127.0.0.1:8000', label: 'DGX Triton' },
      openai: { kind: 'openai', url: 'http://127.0.0.1:8080', label: 'OpenAI-compatible (vLLM, llama.cpp)' },
      // No threads: the engine takes half the cores (one on a 2-core machine) unless set here.
      embedded: { kind: 'embedded', label: 'Embedded llama.cpp' },
    },
    profiles: {
      laptop: {
        label: 'Laptop',
        description: 'Local Ollama on this machine; background work slows down on battery.',
        network: 'any',
        balancing: 'resource',
        batterySaver: 'auto',
        tasks: localTasks(),
      },
      remote: {
        label: 'Remote DGX',
        description:
          'Triton / OpenAI-compatible server on the DGX; local Ollama, then the embedded engine, as fallback.',
        network: 'any',
        balancing: 'resource',
        batterySaver: 'off',
        tasks: {
          completion: route(
            [
              { endpoints: ['triton'], model: M.tritonCompletion },
              { endpoints: ['ollama'], model: M.ollamaCompletion },
              { endpoints: ['embedded'], model: M.embeddedCompletion },
            ],
            5_000,
          ),
          embedding: route(
            [
              { endpoints: ['triton'], model: M.tritonEmbedding },
              { endpoints: ['ollama'], model: M.ollamaEmbedding },
              { endpoints: ['embedded'], model: M.embeddedEmbedding },
            ],
            60_000,
          ),
          chat: route(
            [
              { endpoints: ['openai'], model: M.openaiChat },
              { endpoints: ['ollama'], model: M.ollamaChat },
              { endpoints: ['embedded'], model: M.embeddedCompletion },
            ],
            120_000,
          ),
          reasoning: route(
            [
              { endpoints: ['openai'], model: M.openaiReasoning },
              { endpoints: ['ollama'], model: M.ollamaReasoning },
              { endpoints: ['embedded'], model: M.embeddedCompletion },
            ],
            300_000,
          ),
        },
      },
      offline: {
        label: 'Offline',
        description: 'Nothing leaves this machine: only loopback connections are allowed (enforced).',
        network: 'loopback-only',
        balancing: 'resource',
        batterySaver: 'auto',
        tasks: localTasks(),
      },
    },
    health: {
      intervalMs: 15_000,
      timeoutMs: 3_000,
      slowMs: 1_500,
      failureThreshold: 3,
      openMs: 5_000,
      maxOpenMs: 60_000,
    },
    resources: {
      lowBatteryPercent: 20,
      gpuBusyPercent: 85,
    },
    index: {
      includeSecretFiles: false,
      exclude: [],
      removeUnusedAfterDays: null,
    },
    models: {
      hubEndpoint: '',
    },
  }
}
