import { z } from 'zod'
import { event, method } from './define'

/** Electron's powerMonitor thermal states (macOS), 'unknown' where the platform has none. */
export const ThermalState = z.enum(['unknown', 'nominal', 'fair', 'serious', 'critical'])
export type ThermalState = z.infer<typeof ThermalState>

export const GpuReading = z.object({
  /** Where the reading came from: this machine (nvidia-smi via systeminformation) or a remote server. */
  source: z.enum(['local', 'triton']),
  name: z.string(),
  utilizationPercent: z.number().nullable(),
  memoryUsedBytes: z.number().nullable(),
  memoryTotalBytes: z.number().nullable(),
  powerWatts: z.number().nullable(),
})
export type GpuReading = z.infer<typeof GpuReading>

export const LoadedModel = z.object({
  name: z.string(),
  sizeBytes: z.number().nullable(),
  vramBytes: z.number().nullable(),
  /** ISO time Ollama unloads it; null when unknown. */
  expiresAt: z.string().nullable(),
})
export type LoadedModel = z.infer<typeof LoadedModel>

export const RemoteStatus = z.object({
  kind: z.enum(['triton', 'ollama']),
  url: z.string(),
  reachable: z.boolean(),
  /** Why it is unreachable, for the status bar tooltip. */
  error: z.string().optional(),
  checkedAt: z.number(),
  /** Ollama: models in memory (/api/ps). */
  models: z.array(LoadedModel).optional(),
  /** Triton: requests queued across models (nv_inference_pending_request_count). */
  pendingRequests: z.number().nonnegative().optional(),
})
export type RemoteStatus = z.infer<typeof RemoteStatus>

/**
 * One merged reading of everything the throttle policy looks at. Fields a platform cannot
 * measure are null rather than guessed, and the policy treats null as "no reason to throttle".
 */
export const ResourceSnapshot = z.object({
  at: z.number(),
  /** Whole machine, 0–100 (all cores). */
  cpuLoadPercent: z.number().nullable(),
  /** This process's share of the whole machine, 0–100, so the policy can ignore load we cause ourselves. */
  ownCpuPercent: z.number().nullable(),
  memUsedPercent: z.number().nullable(),
  battery: z.object({
    present: z.boolean(),
    percent: z.number().nullable(),
    charging: z.boolean().nullable(),
  }),
  onBattery: z.boolean(),
  thermalState: ThermalState,
  cpuTempC: z.number().nullable(),
  /** Electron's CPU speed limit (percent of full speed); null where unsupported. */
  speedLimitPercent: z.number().nullable(),
  suspended: z.boolean(),
  locked: z.boolean(),
  /** Seconds since the last input anywhere on the system; null where unknown (headless). */
  idleSeconds: z.number().nullable(),
  gpus: z.array(GpuReading),
  remotes: z.array(RemoteStatus),
})
export type ResourceSnapshot = z.infer<typeof ResourceSnapshot>

/**
 * Wire form of core/resources/budgets.ts `Budgets`. JSON has no Infinity, so an unthrottled
 * embedding rate travels as null.
 */
export const BudgetsWire = z.object({
  background: z.object({
    paused: z.boolean(),
    reason: z.string(),
    indexConcurrency: z.number().int().nonnegative(),
    embedBatchSize: z.number().int().nonnegative(),
    embedPerMinute: z.number().nonnegative().nullable(),
    embedDutyCycle: z.number().min(0).max(1).optional(),
    prefetch: z.boolean(),
    prefetchMinConfidence: z.number().min(0).max(1).optional(),
  }),
  completion: z.object({
    maxTokens: z.number().int().nonnegative(),
    debounceMs: z.number().nonnegative(),
  }),
})
export type BudgetsWire = z.infer<typeof BudgetsWire>

export const BatterySaver = z.enum(['auto', 'on', 'off'])
export type BatterySaver = z.infer<typeof BatterySaver>

export const ResourceOverrides = z.object({
  /** The user's "pause indexing": background indexing and embedding stop until turned off. */
  pauseIndexing: z.boolean(),
  /** auto: slow down on battery and stop below the threshold; on: always as if low; off: ignore battery. */
  batterySaver: BatterySaver,
})
export type ResourceOverrides = z.infer<typeof ResourceOverrides>

export const ResourceState = z.object({
  budgets: BudgetsWire,
  /** The main cause, e.g. "on battery (15 %)"; also budgets.background.reason. */
  reason: z.string(),
  /** Every condition currently in force, most important first (e.g. ["typing", "on battery"]). */
  conditions: z.array(z.string()),
  snapshot: ResourceSnapshot,
  overrides: ResourceOverrides,
  updatedAt: z.number(),
})
export type ResourceState = z.infer<typeof ResourceState>

export const resourcesMethods = {
  'resources.state': method(z.object({}), ResourceState),
  /** Partial update; returns the state after the policy re-ran with the new overrides. */
  'resources.setOverrides': method(ResourceOverrides.partial(), ResourceState),
} as const

export const resourcesEvents = {
  /** Budgets, reason or a summary-relevant reading changed (status bar). */
  'resources.state': event(ResourceState),
} as const
