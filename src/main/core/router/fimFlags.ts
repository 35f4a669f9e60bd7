import { basename, dirname, resolve } from 'node:path'
import { HearthError } from '@shared/errors'
import { DEFAULT_MODELS } from '@shared/settings/defaults'
import type { EndpointConfig } from '@shared/settings/schema'
import { DEFAULT_OLLAMA_URL } from '../inference/ollamaProvider'
import type { TaskOverride } from '../settings/taskOverride'

/** `--provider` values: the settings' backend kinds, plus llama.cpp server's /infill. */
export const FIM_PROVIDER_KINDS = ['ollama', 'openai', 'llamacpp', 'triton', 'embedded'] as const

export interface FimFlags {
  provider?: string
  url?: string
  model?: string
  threads?: number
  token?: string
  timeoutMs?: number
}

/** The completion task's one endpoint, and its token when one was given. */
export interface FimOverride extends TaskOverride {
  token?: string
}

/**
 * CLI flags over the environment (HEARTH_FIM_PROVIDER, HEARTH_FIM_URL, HEARTH_FIM_MODEL — a GGUF
 * path for embedded —, HEARTH_FIM_THREADS, HEARTH_FIM_TOKEN) → the endpoint the completion task
 * uses instead of the profile's chain. With none of provider, URL or model set: undefined, and
 * the user's settings decide, as in the app. With only a URL or a model: Ollama, or the
 * embedded engine for a .gguf model.
 */
export function fimOverrideFrom(
  flags: FimFlags,
  env: NodeJS.ProcessEnv = process.env,
): FimOverride | undefined {
  // An empty variable counts as unset.
  const model = flags.model || env.HEARTH_FIM_MODEL || undefined
  const url = flags.url || env.HEARTH_FIM_URL || undefined
  const token = flags.token || env.HEARTH_FIM_TOKEN || undefined
  const provider = flags.provider || env.HEARTH_FIM_PROVIDER || undefined
  if (!provider && !model && !url) return undefined
  const threadsEnv = env.HEARTH_FIM_THREADS ? Number(env.HEARTH_FIM_THREADS) : undefined
  const threads =
    flags.threads ?? (Number.isInteger(threadsEnv) && (threadsEnv ?? 0) > 0 ? threadsEnv : undefined)
  const kind = provider ?? (model && /\.gguf$/i.test(model) ? 'embedded' : 'ollama')
  const need = (v: string | undefined, what: string): string => {
    if (!v) throw new HearthError('invalid_argument', `${kind} needs ${what}`)
    return v
  }
  const one = (endpoint: EndpointConfig, m: string): FimOverride => ({
    task: 'completion',
    serve: { endpoint: { label: 'command-line override', ...endpoint }, model: m },
    ...(token ? { token } : {}),
    ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
  })
  switch (kind) {
    case 'ollama':
      return one(
        { kind, url: url ?? DEFAULT_OLLAMA_URL, keepAlive: '30m' },
        model ?? DEFAULT_MODELS.ollamaCompletion,
      )
    case 'openai':
      return one({ kind, url: need(url, 'a server URL (--url)') }, need(model, 'a model name (--model)'))
    case 'llamacpp':
      return one(
        { kind: 'openai', url: need(url, 'a server URL (--url)'), fim: 'infill' },
        model ?? 'llama.cpp',
      )
    case 'triton':
      return one({ kind, url: need(url, 'a Triton URL (--url)') }, need(model, 'a model name (--model)'))
    case 'embedded': {
      // A path on the command line is relative to where the command runs, not to the models folder.
      const file = resolve(need(model, 'a GGUF file (--model or HEARTH_FIM_MODEL)'))
      return one({ kind, modelsDir: dirname(file), ...(threads ? { threads } : {}) }, basename(file))
    }
    default:
      throw new HearthError(
        'invalid_argument',
        `unknown provider "${kind}" (one of ${FIM_PROVIDER_KINDS.join(', ')})`,
      )
  }
}
