import type { EndpointConfig } from '@shared/settings/schema'
import { embeddedModelPath } from '../files/modelPath'
import type { HttpClient } from '../net/httpClient'
import type { Embedder } from './embedder'
import { EmbeddedProvider } from './embeddedProvider'
import { GgufEmbedder, isGguf } from './ggufEmbedder'
import type { CompletionProvider } from './fimTypes'
import { createHttpEmbedder, type HttpEmbedderOptions } from './httpEmbedders'
import { LlamaCppInfillProvider } from './llamaCppInfillProvider'
import { OllamaProvider } from './ollamaProvider'
import { OpenAiProvider } from './openAiProvider'
import { TritonProvider } from './tritonProvider'
import type { ChatProvider } from './chat/chatTypes'
import { EmbeddedChat } from './chat/embeddedChat'
import { OllamaChat } from './chat/ollamaChat'
import { OpenAiChat } from './chat/openAiChat'
import { TritonChat } from './chat/tritonChat'

/** Everything a provider needs to be built for one endpoint and one model. */
export interface ProviderSpec {
  endpointId: string
  endpoint: EndpointConfig
  model: string
  /** Bearer token for this endpoint's origin, if one is stored: every kind sends it on every request. */
  token: string | undefined
}

/**
 * The one place providers are built, for every caller: the router (one per endpoint, model and
 * token), the CLI's one-endpoint profiles, the index's named embedders. Tests and benchmarks may
 * wrap it (e.g. to instrument the embedded engine) and hand the wrapper to the router.
 */
export interface ProviderFactory {
  completion(spec: ProviderSpec): CompletionProvider
  embedder(spec: ProviderSpec): Embedder
  chat(spec: ProviderSpec): ChatProvider
}

export interface DefaultProviderFactoryOptions {
  http: HttpClient
  /** The no-server embedder for `embedded` endpoints (the built-in hashing embedder), by model name. */
  embeddedEmbedder: (model: string) => Embedder
  /** Embedded engine: unload after this long idle (ms). */
  idleUnloadMs?: number
}

export function defaultProviderFactory(o: DefaultProviderFactoryOptions): ProviderFactory {
  /** What every HTTP provider of an endpoint is built with: its URL, the client, its token. */
  const http = ({ endpoint: e, model, token }: ProviderSpec) => ({
    url: e.url ?? '',
    model,
    http: o.http,
    ...(token ? { token } : {}),
  })
  /** The embedded engine's file and threads for an `embedded` endpoint. */
  const engine = ({ endpoint: e, model }: ProviderSpec) => ({
    modelPath: embeddedModelPath(model, e.modelsDir),
    ...(e.threads ? { threads: e.threads } : {}),
    ...(o.idleUnloadMs !== undefined ? { idleUnloadMs: o.idleUnloadMs } : {}),
  })
  return {
    completion(spec) {
      const e = spec.endpoint
      switch (e.kind) {
        case 'ollama':
          return new OllamaProvider({ ...http(spec), ...(e.keepAlive ? { keepAlive: e.keepAlive } : {}) })
        case 'openai':
          return e.fim === 'infill'
            ? new LlamaCppInfillProvider(http(spec))
            : new OpenAiProvider({ ...http(spec), fimMode: e.fim === 'template' ? 'template' : 'suffix' })
        case 'triton':
          return new TritonProvider({ ...http(spec), ...(e.flavor ? { flavor: e.flavor } : {}) })
        case 'embedded':
          return new EmbeddedProvider({
            ...engine(spec),
            ...(e.flashAttention !== undefined ? { flashAttention: e.flashAttention } : {}),
          })
      }
    },
    chat(spec) {
      const e = spec.endpoint
      const context = e.contextLength !== undefined ? { contextLength: e.contextLength } : {}
      switch (e.kind) {
        case 'ollama':
          return new OllamaChat({ ...http(spec), ...(e.keepAlive ? { keepAlive: e.keepAlive } : {}) })
        case 'openai':
          return new OpenAiChat({ ...http(spec), ...context })
        case 'triton':
          return new TritonChat({
            ...http(spec),
            ...context,
            ...(e.flavor ? { flavor: e.flavor } : {}),
            ...(e.chatTemplate ? { template: e.chatTemplate } : {}),
          })
        case 'embedded':
          return new EmbeddedChat(engine(spec))
      }
    },
    embedder({ endpoint: e, model, token }) {
      if (e.kind === 'embedded') {
        // A GGUF runs on the engine; any other name is the built-in embedder's.
        if (!isGguf(model)) return o.embeddedEmbedder(model)
        return new GgufEmbedder({
          modelPath: embeddedModelPath(model, e.modelsDir),
          ...(e.threads ? { threads: e.threads } : {}),
        })
      }
      const opts: HttpEmbedderOptions = { kind: e.kind, url: e.url ?? '', model, http: o.http }
      if (token) opts.token = token
      if (e.embeddingInput) opts.tritonInput = e.embeddingInput
      if (e.embeddingOutput) opts.tritonOutput = e.embeddingOutput
      return createHttpEmbedder(opts)
    },
  }
}
