import type { EndpointConfig } from '@shared/settings/schema'
import { embeddedModelPath } from '../health/checkEndpoint'
import type { Embedder } from '../inference/embedder'
import { EmbeddedProvider } from '../inference/embeddedProvider'
import type { CompletionProvider } from '../inference/fimTypes'
import { createHttpEmbedder, type HttpEmbedderOptions } from '../inference/httpEmbedders'
import { LlamaCppInfillProvider } from '../inference/llamaCppInfillProvider'
import { OllamaProvider } from '../inference/ollamaProvider'
import { OpenAiProvider } from '../inference/openAiProvider'
import { TritonProvider } from '../inference/tritonProvider'
import type { HttpClient } from '../net/httpClient'

/** Everything a provider needs to be built for one endpoint and one model. */
export interface ProviderSpec {
  endpointId: string
  endpoint: EndpointConfig
  model: string
  /** Bearer token for this endpoint's origin, if one is stored. */
  token: string | undefined
}

/**
 * Builds providers. The router owns one per (endpoint, model, token) and rebuilds them when
 * settings or the token change; tests and the core may swap parts (e.g. the embedded embedder).
 */
export interface ProviderFactory {
  completion(spec: ProviderSpec): CompletionProvider
  embedder(spec: ProviderSpec): Embedder
}

export interface DefaultProviderFactoryOptions {
  http: HttpClient
  /** The no-server embedder for `embedded` endpoints (index/embedders' default), by model name. */
  embeddedEmbedder: (model: string) => Embedder
  /** Embedded engine: unload after this long idle (ms). */
  idleUnloadMs?: number
}

export function defaultProviderFactory(o: DefaultProviderFactoryOptions): ProviderFactory {
  return {
    completion({ endpoint: e, model, token }) {
      const url = e.url ?? ''
      const auth = token ? { token } : {}
      switch (e.kind) {
        case 'ollama':
          return new OllamaProvider({
            url,
            model,
            http: o.http,
            ...(e.keepAlive ? { keepAlive: e.keepAlive } : {}),
          })
        case 'openai':
          return e.fim === 'infill'
            ? new LlamaCppInfillProvider({ url, model, http: o.http, ...auth })
            : new OpenAiProvider({
                url,
                model,
                http: o.http,
                fimMode: e.fim === 'template' ? 'template' : 'suffix',
                ...auth,
              })
        case 'triton':
          return new TritonProvider({
            url,
            model,
            http: o.http,
            ...(e.flavor ? { flavor: e.flavor } : {}),
            ...auth,
          })
        case 'embedded':
          return new EmbeddedProvider({
            modelPath: embeddedModelPath(model, e.modelsDir),
            ...(e.threads ? { threads: e.threads } : {}),
            ...(e.flashAttention !== undefined ? { flashAttention: e.flashAttention } : {}),
            ...(o.idleUnloadMs !== undefined ? { idleUnloadMs: o.idleUnloadMs } : {}),
          })
      }
    },
    embedder({ endpoint: e, model, token }) {
      if (e.kind === 'embedded') return o.embeddedEmbedder(model)
      const opts: HttpEmbedderOptions = { kind: e.kind, url: e.url ?? '', model, http: o.http }
      if (token) opts.token = token
      if (e.embeddingInput) opts.tritonInput = e.embeddingInput
      if (e.embeddingOutput) opts.tritonOutput = e.embeddingOutput
      return createHttpEmbedder(opts)
    },
  }
}
