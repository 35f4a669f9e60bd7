import { createServer } from 'node:net'
import { buildPrompt, DEFAULT_PROMPT_BUDGET } from '../../../src/main/core/completion/promptBudget'
import { templateFor } from '../../../src/main/core/inference/fimTemplates'
import { CodeHashEmbedder } from '../../../src/main/core/inference/codeHashEmbedder'
import type { GenerateOptions } from '../../../src/main/core/inference/fimTypes'
import type { HttpClient } from '../../../src/main/core/net/httpClient'
import { ModelRouter, type ModelRouterOptions } from '../../../src/main/core/router/modelRouter'
import { defaultProviderFactory } from '../../../src/main/core/inference/providerFactory'
import { MemorySecretStore } from '../../../src/main/core/secrets/memorySecretStore'
import { TokenStore } from '../../../src/main/core/secrets/tokenStore'
import { defaultSettings } from '../../../src/shared/settings/defaults'
import type { Profile, Settings, TaskRoute } from '../../../src/shared/settings/schema'

export const MODELS_DIR = '/work/shared/models'
export const GGUF = 'stories260K-fim-test.gguf'

export const prompt = buildPrompt(
  templateFor('qwen2.5-coder:1.5b'),
  {
    prefix: 'function add(a, b) {\n  ',
    suffix: '\n}\n',
    snippets: [],
    path: 'src/add.ts',
    language: 'typescript',
  },
  DEFAULT_PROMPT_BUDGET,
)

export function genOpts(extra: Partial<GenerateOptions> = {}): GenerateOptions {
  return {
    maxTokens: 16,
    temperature: 0.1,
    stop: [],
    signal: new AbortController().signal,
    timeoutMs: 3000,
    firstByteMs: 2000,
    stallMs: 2000,
    ...extra,
  }
}

export interface Urls {
  triton: string
  ollama: string
  ollama2?: string
  openai?: string
}

// Generous route deadlines: the requests' own timeouts are what the tests exercise.
const route = (chain: TaskRoute['chain'], timeoutMs = 30_000): TaskRoute => ({ chain, timeoutMs })

/** A "remote DGX" profile over local fake servers: Triton → Ollama → embedded for every task. */
export function remoteSettings(u: Urls, patch: Partial<Settings['health']> = {}): Settings {
  const s = defaultSettings()
  s.endpoints = {
    triton: { kind: 'triton', url: u.triton, label: 'DGX Triton' },
    ollama: { kind: 'ollama', url: u.ollama, label: 'Local Ollama' },
    ...(u.ollama2 ? { ollama2: { kind: 'ollama' as const, url: u.ollama2, label: 'Second Ollama' } } : {}),
    ...(u.openai ? { openai: { kind: 'openai' as const, url: u.openai } } : {}),
    embedded: { kind: 'embedded', modelsDir: MODELS_DIR, threads: 1 },
  }
  const tasks: Profile['tasks'] = {
    completion: route([
      { endpoints: ['triton'], model: 'fim_ensemble' },
      { endpoints: ['ollama'], model: 'qwen2.5-coder:1.5b' },
      { endpoints: ['embedded'], model: GGUF },
    ]),
    embedding: route([
      { endpoints: ['triton'], model: 'embedder' },
      { endpoints: ['ollama'], model: 'nomic-embed-text' },
      { endpoints: ['embedded'], model: 'default' },
    ]),
    chat: route([{ endpoints: ['ollama'], model: 'qwen2.5-coder:1.5b' }]),
    reasoning: route([{ endpoints: ['ollama'], model: 'qwen2.5-coder:1.5b' }]),
  }
  s.profiles.remote = { ...s.profiles.remote!, tasks }
  s.profile = 'remote'
  s.health = {
    intervalMs: 60_000,
    timeoutMs: 500,
    slowMs: 300,
    failureThreshold: 3,
    openMs: 5_000,
    maxOpenMs: 60_000,
    ...patch,
  }
  return s
}

export class Clock {
  t = 1_000_000
  now = (): number => this.t
  advance(ms: number): void {
    this.t += ms
  }
}

export function makeRouter(
  http: HttpClient,
  settings: Settings,
  extra: Partial<ModelRouterOptions> = {},
): { router: ModelRouter; tokens: TokenStore; clock: Clock; logs: string[] } {
  const clock = new Clock()
  const tokens = extra.tokens ?? new TokenStore(new MemorySecretStore())
  const logs: string[] = []
  const router = new ModelRouter({
    http,
    tokens,
    settings,
    factory: defaultProviderFactory({
      http,
      embeddedEmbedder: () => new CodeHashEmbedder(),
      idleUnloadMs: 0,
    }),
    now: clock.now,
    monitor: false,
    log: (level, m) => logs.push(`${level}: ${m}`),
    ...extra,
  })
  return { router, tokens, clock, logs }
}

/** A port that was just bound and released: connecting to it is refused. */
export async function refusedUrl(): Promise<string> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return `http://127.0.0.1:${port}`
}
