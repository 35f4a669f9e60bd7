import { HearthError } from '@shared/errors'
import type { HttpClient } from '../net/httpClient'
import { EmbeddedProvider, type EmbeddedProviderOptions } from './embeddedProvider'
import type { CompletionProvider } from './fimTypes'
import { LlamaCppInfillProvider } from './llamaCppInfillProvider'
import { DEFAULT_OLLAMA_URL, OllamaProvider } from './ollamaProvider'
import { OpenAiProvider } from './openAiProvider'
import { TritonProvider } from './tritonProvider'

export const DEFAULT_FIM_MODEL = 'qwen2.5-coder:1.5b'

/** One completion backend, as the CLI flags and environment describe it (profiles/router build their own). */
export type FimProviderConfig =
  | { kind: 'ollama'; url?: string; model?: string; keepAlive?: string }
  | { kind: 'openai'; url: string; model: string; token?: string; fimMode?: 'suffix' | 'template' }
  | { kind: 'llamacpp'; url: string; model?: string; token?: string }
  | {
      kind: 'triton'
      url: string
      model: string
      token?: string
      flavor?: 'vllm' | 'trtllm'
      streaming?: boolean
    }
  | ({ kind: 'embedded' } & EmbeddedProviderOptions)

export const FIM_PROVIDER_KINDS = ['ollama', 'openai', 'llamacpp', 'triton', 'embedded'] as const

export function createFimProvider(cfg: FimProviderConfig, http: HttpClient): CompletionProvider {
  switch (cfg.kind) {
    case 'ollama':
      return new OllamaProvider({
        url: cfg.url ?? DEFAULT_OLLAMA_URL,
        model: cfg.model ?? DEFAULT_FIM_MODEL,
        keepAlive: cfg.keepAlive ?? '30m',
        http,
      })
    case 'openai':
      return new OpenAiProvider({ ...cfg, http })
    case 'llamacpp':
      return new LlamaCppInfillProvider({
        url: cfg.url,
        model: cfg.model ?? 'llama.cpp',
        http,
        ...(cfg.token ? { token: cfg.token } : {}),
      })
    case 'triton':
      return new TritonProvider({ ...cfg, http })
    case 'embedded':
      return new EmbeddedProvider(cfg)
  }
}

/**
 * Builds the config from loose strings (CLI flags over environment):
 * provider HEARTH_FIM_PROVIDER, url HEARTH_FIM_URL, model HEARTH_FIM_MODEL (a GGUF path for
 * embedded), threads HEARTH_FIM_THREADS, token HEARTH_FIM_TOKEN. With nothing set: embedded if
 * HEARTH_FIM_MODEL names a .gguf file, else Ollama on 127.0.0.1:11434 with qwen2.5-coder:1.5b.
 */
export function fimConfigFrom(
  flags: { provider?: string; url?: string; model?: string; threads?: number; token?: string },
  env: NodeJS.ProcessEnv = process.env,
): FimProviderConfig {
  // An empty variable counts as unset.
  const model = flags.model || env.HEARTH_FIM_MODEL || undefined
  const url = flags.url || env.HEARTH_FIM_URL || undefined
  const token = flags.token || env.HEARTH_FIM_TOKEN || undefined
  const threadsEnv = env.HEARTH_FIM_THREADS ? Number(env.HEARTH_FIM_THREADS) : undefined
  const threads =
    flags.threads ?? (Number.isInteger(threadsEnv) && (threadsEnv ?? 0) > 0 ? threadsEnv : undefined)
  const kind =
    flags.provider || env.HEARTH_FIM_PROVIDER || (model && /\.gguf$/i.test(model) ? 'embedded' : 'ollama')
  const need = (v: string | undefined, what: string): string => {
    if (!v) throw new HearthError('invalid_argument', `${kind} needs ${what}`)
    return v
  }
  const auth = token ? { token } : {}
  switch (kind) {
    case 'ollama':
      return { kind, ...(url ? { url } : {}), model: model ?? DEFAULT_FIM_MODEL }
    case 'openai':
      return {
        kind,
        url: need(url, 'a server URL (--url)'),
        model: need(model, 'a model name (--model)'),
        ...auth,
      }
    case 'llamacpp':
      return { kind, url: need(url, 'a server URL (--url)'), ...(model ? { model } : {}), ...auth }
    case 'triton':
      return {
        kind,
        url: need(url, 'a Triton URL (--url)'),
        model: need(model, 'a model name (--model)'),
        ...auth,
      }
    case 'embedded':
      return {
        kind,
        modelPath: need(model, 'a GGUF file (--model or HEARTH_FIM_MODEL)'),
        ...(threads ? { threads } : {}),
      }
    default:
      throw new HearthError(
        'invalid_argument',
        `unknown provider "${kind}" (one of ${FIM_PROVIDER_KINDS.join(', ')})`,
      )
  }
}
