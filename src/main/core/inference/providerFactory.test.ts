import type { LlamaModel } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import { EmbeddedProvider } from './embeddedProvider'
import { HttpClient } from '../net/httpClient'
import { defaultProviderFactory } from './providerFactory'

const factory = defaultProviderFactory({
  http: new HttpClient(),
  embeddedEmbedder: () => {
    throw new Error('not used here')
  },
})
// contextOptions reads only the model's training context (the engine is not loaded for this).
const model = { trainContextSize: 2048 } as LlamaModel

describe('defaultProviderFactory, embedded endpoint', () => {
  it("passes the endpoint's engine settings to the provider", () => {
    const p = factory.completion({
      endpointId: 'embedded',
      endpoint: { kind: 'embedded', threads: 3, flashAttention: true, modelsDir: '/models' },
      model: 'm.gguf',
      token: undefined,
    })
    expect(p).toBeInstanceOf(EmbeddedProvider)
    expect(p.endpoint).toBe('/models/m.gguf')
    expect((p as EmbeddedProvider).contextOptions(model)).toEqual({
      contextSize: 2048,
      threads: 3,
      flashAttention: true,
    })
  })

  it('leaves flash attention off when the endpoint does not say', () => {
    const p = factory.completion({
      endpointId: 'embedded',
      endpoint: { kind: 'embedded', threads: 2 },
      model: '/abs/m.gguf',
      token: undefined,
    }) as EmbeddedProvider
    expect(p.contextOptions(model).flashAttention).toBe(false)
  })
})
