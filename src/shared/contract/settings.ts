import { z } from 'zod'
import { BackendKind, Balancing, Settings, SettingsProblem, Task } from '../settings/schema'
import { event, method } from './define'

/**
 * Settings, profiles, models and backend health. Tokens travel renderer → core only
 * (`settings.setToken`); every response says `hasToken`, never the token.
 */

/** What the status bar shows for one backend endpoint. */
export const BACKEND_STATES = [
  'unknown',
  'ok',
  'slow',
  /** Connection refused / reset / host not found. */
  'down',
  /** Accepted but no answer, or a stream that stalled, within the deadline. */
  'timeout',
  /** Triton answered 503 (server or model not ready). */
  'not_ready',
  /** 401/403, or a token saved for another server. */
  'unauthorized',
  /** The server runs but lacks the model; `fix` says what to run. */
  'model_missing',
  /** The server answered something that is not its protocol. */
  'malformed',
  /** The offline profile forbids this host (loopback only). */
  'blocked',
] as const
export const BackendState = z.enum(BACKEND_STATES)
export type BackendState = z.infer<typeof BackendState>

export const BreakerState = z.enum(['closed', 'open', 'half_open'])

export const EndpointStatus = z.object({
  id: z.string(),
  kind: BackendKind,
  label: z.string(),
  /** URL, or the GGUF folder for the embedded engine. */
  url: z.string(),
  state: BackendState,
  /** One sentence for the tooltip. */
  message: z.string(),
  /** The exact command or action that fixes it, e.g. "ollama pull qwen2.5-coder:1.5b". */
  fix: z.string().optional(),
  breaker: BreakerState,
  /** ms since epoch when an open breaker probes again. */
  retryAt: z.number().nullable(),
  latencyP50Ms: z.number().nullable(),
  inFlight: z.number().int().nonnegative(),
  gpuLoadPercent: z.number().nullable(),
  hasToken: z.boolean(),
  checkedAt: z.number().nullable(),
  /**
   * Models this endpoint should serve and lacks (model_missing names them): a missing chat model
   * does not make the endpoint's completions fail.
   */
  missingModels: z.array(z.string()).optional(),
})
export type EndpointStatus = z.infer<typeof EndpointStatus>

export const TaskStatus = z.object({
  task: Task,
  /** Endpoint and model the next request goes to; null when nothing can serve it. */
  endpointId: z.string().nullable(),
  model: z.string().nullable(),
  /** Index in the profile's chain (0 = preferred); > 0 means a fallback is serving. */
  tier: z.number().int().nullable(),
  fallback: z.boolean(),
  /** Why the preferred tier is not used, or why nothing can serve. */
  reason: z.string().optional(),
})
export type TaskStatus = z.infer<typeof TaskStatus>

export const BackendsStatus = z.object({
  profile: z.string(),
  network: z.enum(['any', 'loopback-only']),
  tasks: z.array(TaskStatus),
  endpoints: z.array(EndpointStatus),
  updatedAt: z.number(),
})
export type BackendsStatus = z.infer<typeof BackendsStatus>

export const ModelStats = z.object({
  endpointId: z.string(),
  model: z.string(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  lastError: z.string().optional(),
})
export type ModelStats = z.infer<typeof ModelStats>

export const ModelInfo = z.object({
  name: z.string(),
  sizeBytes: z.number().nullable(),
  /** Triton: READY / UNAVAILABLE…; Ollama/OpenAI: null. */
  state: z.string().nullable(),
})
export type ModelInfo = z.infer<typeof ModelInfo>

export const EndpointModels = z.object({
  endpointId: z.string(),
  kind: BackendKind,
  url: z.string(),
  models: z.array(ModelInfo),
  /** Why the list could not be fetched. */
  error: z.string().optional(),
  state: BackendState,
})
export type EndpointModels = z.infer<typeof EndpointModels>

export const TokenInfo = z.object({
  hasToken: z.boolean(),
  /** True when tokens survive a restart (OS keyring); false = memory only. */
  persistent: z.boolean(),
  warning: z.string().optional(),
})

export const SettingsView = z.object({
  /** defaults ⊕ user ⊕ workspace */
  effective: Settings,
  /** What each file says (only what it changed). */
  user: z.record(z.string(), z.unknown()),
  workspace: z.record(z.string(), z.unknown()).nullable(),
  files: z.object({ user: z.string(), workspace: z.string().nullable() }),
  problems: z.array(SettingsProblem),
  /** Per endpoint id. */
  tokens: z.record(z.string(), z.object({ hasToken: z.boolean() })),
  secretStorage: z.object({ persistent: z.boolean(), warning: z.string().optional() }),
})
export type SettingsView = z.infer<typeof SettingsView>

export const ProfileSummary = z.object({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  network: z.enum(['any', 'loopback-only']),
  balancing: Balancing,
})
export type ProfileSummary = z.infer<typeof ProfileSummary>

export const ProfilesList = z.object({ active: z.string(), profiles: z.array(ProfileSummary) })
export type ProfilesList = z.infer<typeof ProfilesList>

export const settingsMethods = {
  'settings.get': method(z.object({}), SettingsView),
  /**
   * RFC 7396 merge patch on one file (null deletes a key). Invalid → `invalid_argument` with
   * `details.problems` (file + key + message) and nothing written.
   */
  'settings.update': method(
    z.object({ scope: z.enum(['user', 'workspace']), patch: z.record(z.string(), z.unknown()) }),
    SettingsView,
  ),
  /** Stores (or with null, deletes) an endpoint's bearer token in the secret store. */
  'settings.setToken': method(
    z.object({ endpointId: z.string().min(1).max(64), token: z.string().max(16_384).nullable() }),
    TokenInfo,
  ),
  'profiles.list': method(z.object({}), ProfilesList),
  /** Switches the active profile (user settings); takes effect at once. */
  'profiles.select': method(z.object({ id: z.string().min(1).max(64) }), ProfilesList),
  /** Models each endpoint serves (Ollama /api/tags, Triton /v2/repository/index, OpenAI /v1/models) and per-model stats. */
  'models.list': method(
    z.object({ endpointId: z.string().max(64).optional() }),
    z.object({ endpoints: z.array(EndpointModels), stats: z.array(ModelStats) }),
  ),
  'backends.status': method(z.object({}), BackendsStatus),
  /** Runs the health checks now (the status bar's "retry"). */
  'backends.check': method(z.object({}), BackendsStatus),
} as const

export const settingsEvents = {
  /** Settings changed (file edited, update, workspace opened). */
  'settings.changed': event(SettingsView),
  /** A backend's state, the active profile or a task's route changed (status bar). */
  'backends.status': event(BackendsStatus),
} as const
