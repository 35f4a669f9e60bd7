import { HearthError } from '@shared/errors'
import type { CompletionRequest } from '@shared/contract/completion'
import { defaultSettings } from '@shared/settings/defaults'
import type { Settings } from '@shared/settings/schema'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../base/clock'
import { CodeHashEmbedder } from '../inference/codeHashEmbedder'
import { SteppedProvider } from '../inference/steppedProvider'
import { HttpClient } from '../net/httpClient'
import { FULL_SPEED } from '../resources/budgets'
import { ModelRouter } from '../router/modelRouter'
import { MemorySecretStore } from '../secrets/memorySecretStore'
import { TokenStore } from '../secrets/tokenStore'
import { CompletionCache } from './completionCache'
import { CompletionService } from './completionService'

/** Two backends of two FIM families: Qwen on `a`, StarCoder on `b` as the fallback tier. */
function settings(): Settings {
  const s = defaultSettings()
  const laptop = s.profiles[s.profile]
  if (!laptop) throw new Error('no laptop profile')
  return {
    ...s,
    endpoints: {
      ...s.endpoints,
      a: { kind: 'ollama', url: 'http://127.0.0.1:9' },
      b: { kind: 'openai', url: 'http://127.0.0.1:10' },
    },
    profiles: {
      ...s.profiles,
      [s.profile]: {
        ...laptop,
        tasks: {
          ...laptop.tasks,
          completion: {
            chain: [
              { endpoints: ['a'], model: 'qwen2.5-coder:1.5b' },
              { endpoints: ['b'], model: 'starcoder2-3b' },
            ],
            timeoutMs: 5000,
          },
        },
      },
    },
  }
}

const providers = new Map<string, SteppedProvider>()
let router: ModelRouter | undefined
afterEach(async () => {
  await router?.dispose()
  providers.clear()
})

function setup(clock = new ManualClock()): {
  svc: CompletionService
  a: SteppedProvider
  b: SteppedProvider
} {
  router = new ModelRouter({
    http: new HttpClient(),
    tokens: new TokenStore(new MemorySecretStore()),
    settings: settings(),
    monitor: false,
    factory: {
      completion: (spec) => {
        const p = new SteppedProvider(spec.model, spec.endpoint.kind === 'openai' ? 'openai' : 'ollama')
        providers.set(spec.endpointId, p)
        return p
      },
      embedder: () => new CodeHashEmbedder(),
      chat: () => {
        throw new Error('no chat in these tests')
      },
    },
  })
  const route = router.completionProvider()
  const svc = new CompletionService({ route, clock })
  // Providers are built on the first plan; both exist once each endpoint was chosen once.
  router.providerFor(router.select('completion'))
  router.providerFor(router.select('completion', {}, new Set(['a'])))
  const a = providers.get('a')
  const b = providers.get('b')
  if (!a || !b) throw new Error('providers not built')
  return { svc, a, b }
}

let nextId = 0
const req = (extra: Partial<CompletionRequest> = {}): CompletionRequest => ({
  editorId: 'e1',
  requestId: ++nextId,
  path: 'src/a.ts',
  language: 'typescript',
  prefix: 'function add(a, b) {\n  return ',
  suffix: '\n}\n',
  line: 2,
  column: 10,
  offset: 30,
  trigger: 'explicit',
  ...extra,
})

describe('one route plan per request', () => {
  it('a backend nothing reached falls over; the answer is rendered for, reported as and cached under the model that wrote it', async () => {
    const { svc, a, b } = setup()
    const r = req()
    const pending = svc.request(r, new AbortController().signal)
    const first = await a.call(0)
    expect(first.prompt.family).toBe('qwen')
    first.fail(new HearthError('unavailable', 'a: connection refused', { reason: 'refused' }))
    const second = await b.call(0)
    // Re-rendered for StarCoder's template, not sent with Qwen's control tokens.
    expect(second.prompt.family).toBe('starcoder')
    second.push('a + b')
    second.end()
    const result = await pending
    expect(result).toMatchObject({
      text: 'a + b',
      model: 'starcoder2-3b',
      provider: 'openai',
      source: 'provider',
    })
    const key = (model: string, family: string): string =>
      CompletionCache.key(model, family, r.prefix, r.suffix)
    expect(svc.cache.get(key('starcoder2-3b', 'starcoder'))).toBe('a + b')
    // Never under the model the plan started with: Qwen did not write it.
    expect(svc.cache.get(key('qwen2.5-coder:1.5b', 'qwen'))).toBeUndefined()
  })

  it('a failure after the request reached the server is not retried elsewhere', async () => {
    const { svc, a, b } = setup()
    const pending = svc.request(req(), new AbortController().signal)
    const call = await a.call(0)
    call.fail(new HearthError('timeout', 'a: no response', { reason: 'no_response' }))
    await expect(pending).rejects.toMatchObject({ code: 'timeout' })
    expect(b.calls).toHaveLength(0)
  })
})

describe('debounce on an injected clock', () => {
  it('an automatic request waits the budget floor, measured on the clock, before it streams', async () => {
    const clock = new ManualClock()
    const { svc, a } = setup(clock)
    svc.setBudgets({ ...FULL_SPEED, completion: { ...FULL_SPEED.completion, debounceMs: 100 } })
    const pending = svc.request(req({ trigger: 'automatic' }), new AbortController().signal)
    // Context gathering settles on real time (its own time box); the debounce is the clock's.
    await new Promise((r) => setTimeout(r, 60))
    clock.advance(99)
    await new Promise((r) => setTimeout(r, 10))
    expect(a.calls).toHaveLength(0)
    clock.advance(1)
    const call = await a.call(0)
    call.push('a + b')
    call.end()
    await expect(pending).resolves.toMatchObject({ text: 'a + b', source: 'provider' })
  })
})
