import { z } from 'zod'

/**
 * The settings Hearth reads from JSON files (user, then workspace on top). This is the schema of
 * the *effective* settings — defaults ⊕ user ⊕ workspace — so one schema validates every layer:
 * a problem found in the merged object is reported against the file that wrote that key.
 *
 * Objects are strict: an unknown key is a typo the user wants to hear about, and it is how a
 * `token` pasted into a settings file gets refused (tokens live in the secret store only).
 */

export const TASKS = ['completion', 'embedding', 'chat', 'reasoning'] as const
export const Task = z.enum(TASKS)
export type Task = z.infer<typeof Task>

export const BACKEND_KINDS = ['triton', 'openai', 'ollama', 'embedded'] as const
export const BackendKind = z.enum(BACKEND_KINDS)
export type BackendKind = z.infer<typeof BackendKind>

export const BALANCING = ['resource', 'round-robin', 'least-connections'] as const
export const Balancing = z.enum(BALANCING)
export type Balancing = z.infer<typeof Balancing>

export const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'ids are 1–64 lowercase letters, digits, "-" or "_"')

const HttpUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s)
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === ''
    } catch {
      return false
    }
  }, 'must be an http:// or https:// URL without user:password (tokens go in the secret store)')

/** One server (or the in-process engine). Several endpoints may serve one task tier. */
export const EndpointConfig = z
  .strictObject({
    kind: BackendKind,
    /** Base URL (http kinds); absent for `embedded`. */
    url: HttpUrl.optional(),
    label: z.string().max(100).optional(),
    /** Embedded engine: CPU threads (always explicit — the default over-subscribes small machines). */
    threads: z.number().int().min(1).max(256).optional(),
    /** Embedded engine: llama.cpp's flash attention (default off: slower on the CPU, see EmbeddedProvider). */
    flashAttention: z.boolean().optional(),
    /** Embedded engine: folder that relative GGUF model names are resolved against. */
    modelsDir: z.string().max(4096).optional(),
    /** Ollama: how long the server keeps the model loaded after a request (its keep_alive), e.g. "30m". */
    keepAlive: z.string().max(32).optional(),
    /** Triton: request layout of the backend behind the generate extension. */
    flavor: z.enum(['vllm', 'trtllm']).optional(),
    /** Triton: names of the embedding model's BYTES input and FP32 output tensors. */
    embeddingInput: z.string().max(200).optional(),
    embeddingOutput: z.string().max(200).optional(),
    /**
     * Triton: its Prometheus metrics (the resource monitor reads the DGX's GPU load there).
     * Default: the endpoint's host on port 8002, Triton's default metrics port.
     */
    metricsUrl: HttpUrl.optional(),
    /**
     * OpenAI-compatible FIM: 'suffix' (server applies FIM: OpenAI, llama.cpp), 'template' (Hearth
     * renders the family template: vLLM), 'infill' (llama.cpp server's /infill).
     */
    fim: z.enum(['suffix', 'template', 'infill']).optional(),
    /**
     * Chat through Triton: the model's chat template, which Hearth applies (Triton passes text
     * verbatim). Default: chosen from the model name (ChatML for unknown names).
     */
    chatTemplate: z.enum(['chatml', 'llama3', 'gemma', 'mistral']).optional(),
    /**
     * Chat: the served model's context window in tokens, where the server does not say
     * (Triton; an OpenAI-compatible server whose model list has no max_model_len).
     */
    contextLength: z.number().int().min(512).max(10_000_000).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.kind !== 'embedded' && e.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `a ${e.kind} endpoint needs a url` })
    }
    if (e.kind !== 'triton' && e.metricsUrl !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['metricsUrl'],
        message: 'metricsUrl applies to triton endpoints only',
      })
    }
    if (e.kind === 'embedded' && e.url !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'the embedded engine runs in-process and takes no url',
      })
    }
  })
export type EndpointConfig = z.infer<typeof EndpointConfig>

/** One step of a task's fallback chain: a model served by one or more (balanced) endpoints. */
export const Tier = z.strictObject({
  endpoints: z.array(Id).min(1).max(16),
  /** Model name on the server; for `embedded`, a GGUF file (absolute, or relative to modelsDir). */
  model: z.string().min(1).max(4096),
})
export type Tier = z.infer<typeof Tier>

/**
 * Optional size rule: a small model for small prompts or tight latency budgets, a large one for
 * big/complex prompts. Models named here must be served by the same endpoints as the tier.
 */
export const SizeRule = z.strictObject({
  smallModel: z.string().min(1).max(4096).optional(),
  largeModel: z.string().min(1).max(4096).optional(),
  /** Prompts whose complexity score (≈ chars, plus weight for code structure) exceeds this use largeModel. */
  largeAbove: z.number().int().min(0).max(10_000_000).default(6000),
  /** Prompts below this use smallModel. */
  smallBelow: z.number().int().min(0).max(10_000_000).default(800),
  /** When the large model's recent p95 latency exceeds the request's budget, use the tier's model instead. */
  respectLatencyBudget: z.boolean().default(true),
})
export type SizeRule = z.infer<typeof SizeRule>

export const TaskRoute = z.strictObject({
  /** Preference order: the first tier with a healthy endpoint serves; later tiers are the fallback. */
  chain: z.array(Tier).min(1).max(8),
  rule: SizeRule.optional(),
  /** Request deadline for this task (ms). Completions should stay short: a late one is useless. */
  timeoutMs: z.number().int().min(50).max(600_000),
})
export type TaskRoute = z.infer<typeof TaskRoute>

export const Profile = z.strictObject({
  label: z.string().min(1).max(100),
  description: z.string().max(500).default(''),
  /** `loopback-only` is enforced in the core's HTTP layer: any other host is refused before connecting. */
  network: z.enum(['any', 'loopback-only']),
  balancing: Balancing.default('resource'),
  /** Laptop profile: slow background work on battery (see resources). */
  batterySaver: z.enum(['auto', 'on', 'off']).default('auto'),
  tasks: z.strictObject({
    completion: TaskRoute,
    embedding: TaskRoute,
    chat: TaskRoute,
    reasoning: TaskRoute,
  }),
})
export type Profile = z.infer<typeof Profile>

export const HealthSettings = z.strictObject({
  /** How often each endpoint of the active profile is checked while healthy. */
  intervalMs: z.number().int().min(1000).max(3_600_000),
  /** Deadline of one check. */
  timeoutMs: z.number().int().min(100).max(120_000),
  /** A check or request slower than this marks the endpoint `slow` (still used, ranked lower). */
  slowMs: z.number().int().min(10).max(120_000),
  /** Consecutive failures that open the circuit breaker. */
  failureThreshold: z.number().int().min(1).max(100),
  /** First open period before a half-open probe; doubles on each failed probe up to maxOpenMs. */
  openMs: z.number().int().min(100).max(600_000),
  maxOpenMs: z.number().int().min(100).max(3_600_000),
})
export type HealthSettings = z.infer<typeof HealthSettings>

/** Knobs the resource policy reads (resources/ owns the policy itself). */
export const ResourceSettings = z.strictObject({
  /** Below this battery percentage (unplugged) background work stops (applied at start). */
  lowBatteryPercent: z.number().int().min(0).max(100),
  /** GPU utilisation (%) above which the resource-based balancer avoids an endpoint. */
  gpuBusyPercent: z.number().int().min(1).max(100),
})
export type ResourceSettings = z.infer<typeof ResourceSettings>

/** What the workspace index takes in. */
export const IndexSettings = z.strictObject({
  /**
   * Index files whose names say they usually hold credentials (`.env`, `.env.*` but not
   * `.env.example`, private keys, `*.pem`, `.npmrc`, `.netrc`…), and let them into completion
   * context. Off by default: their text would go into search results and, with a remote
   * embedder, to the server. Skipped files are listed with the reason.
   */
  includeSecretFiles: z.boolean(),
  /**
   * Paths the index and quick open leave out, as globs in .gitignore syntax (`*.gen.ts`,
   * `fixtures/`, `/docs/api/**`), on top of .gitignore and .hearthignore; like VS Code's
   * `files.exclude`. Each left-out path is listed with the glob that matched.
   */
  exclude: z.array(z.string().min(1).max(500)).max(500).default([]),
  /**
   * Remove the indexes of folders not opened for this many days, when Hearth starts (each folder
   * ever opened keeps one in the user data directory). null: keep them (`hearth indexes gc` does it
   * by hand).
   */
  removeUnusedAfterDays: z.number().int().min(1).max(3650).nullable().default(null),
})
export type IndexSettings = z.infer<typeof IndexSettings>

export const ModelSettings = z.strictObject({
  /**
   * Where model downloads come from: a Hugging Face mirror with the hub's URL layout. Empty: the
   * `HF_ENDPOINT` variable, else huggingface.co. Only user settings may set it.
   */
  hubEndpoint: HttpUrl.or(z.literal('')),
})
export type ModelSettings = z.infer<typeof ModelSettings>

const SettingsShape = z.strictObject({
  /** Format version of the file; bumped on incompatible changes. */
  version: z.literal(1),
  /** The active profile id. */
  profile: Id,
  profiles: z.record(Id, Profile),
  endpoints: z.record(Id, EndpointConfig),
  health: HealthSettings,
  resources: ResourceSettings,
  index: IndexSettings,
  models: ModelSettings,
})

export const Settings = SettingsShape.superRefine((s, ctx) => {
  if (!Object.hasOwn(s.profiles, s.profile)) {
    ctx.addIssue({
      code: 'custom',
      path: ['profile'],
      message: `no profile "${s.profile}" (profiles: ${Object.keys(s.profiles).join(', ')})`,
    })
  }
  if (s.health.maxOpenMs < s.health.openMs) {
    ctx.addIssue({ code: 'custom', path: ['health', 'maxOpenMs'], message: 'must be ≥ health.openMs' })
  }
  for (const [pid, p] of Object.entries(s.profiles)) {
    for (const task of TASKS) {
      p.tasks[task].chain.forEach((tier, ti) => {
        const kinds = new Set<string>()
        tier.endpoints.forEach((eid, ei) => {
          const e = s.endpoints[eid]
          if (!e) {
            ctx.addIssue({
              code: 'custom',
              path: ['profiles', pid, 'tasks', task, 'chain', ti, 'endpoints', ei],
              message: `no endpoint "${eid}" (endpoints: ${Object.keys(s.endpoints).join(', ')})`,
            })
          } else kinds.add(e.kind)
        })
        if (kinds.size > 1) {
          ctx.addIssue({
            code: 'custom',
            path: ['profiles', pid, 'tasks', task, 'chain', ti, 'endpoints'],
            message: `endpoints balanced in one tier serve the same model, so they must be one kind (got ${[...kinds].join(', ')})`,
          })
        }
      })
    }
  }
})
export type Settings = z.infer<typeof Settings>

/** One thing wrong with a settings file, pointing at the file and the key. */
export const SettingsProblem = z.object({
  /** Absolute path of the file, or "(defaults)". */
  file: z.string(),
  /** Dotted key, e.g. `profiles.remote.tasks.completion.chain[0].model`; '' for the whole file. */
  key: z.string(),
  message: z.string(),
  /** error: the key is ignored (the value beneath it applies); warning: honoured or harmlessly ignored. */
  severity: z.enum(['error', 'warning']),
})
export type SettingsProblem = z.infer<typeof SettingsProblem>

export const formatProblem = (p: SettingsProblem): string =>
  `${p.file}: ${p.key === '' ? '' : `${p.key}: `}${p.message}`
