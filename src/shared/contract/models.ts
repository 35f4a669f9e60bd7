import { z } from 'zod'
import { event, method } from './define'

export const ModelTask = z.enum(['completion', 'chat', 'embedding'])
export type ModelTask = z.infer<typeof ModelTask>

export const CatalogueEntry = z.object({
  id: z.string(),
  task: ModelTask,
  title: z.string(),
  purpose: z.string(),
  sizeBytes: z.number(),
  ramBytes: z.number(),
  /** `owner/repo/file` on Hugging Face. */
  source: z.string(),
  ollama: z.string().nullable(),
  /** Installed in the models folder (finished and verified). */
  installed: z.boolean(),
  /** Bytes of an unfinished download kept for resuming, 0 when none. */
  partialBytes: z.number(),
})
export type CatalogueEntry = z.infer<typeof CatalogueEntry>

export const Recommendation = z.object({ task: ModelTask, id: z.string(), why: z.string() })
export type Recommendation = z.infer<typeof Recommendation>

export const DownloadProgress = z.object({
  phase: z.enum(['connecting', 'checking', 'downloading', 'verifying', 'done']),
  bytes: z.number(),
  totalBytes: z.number().optional(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().optional(),
  /** Ollama's own words for the step ("pulling manifest", "verifying sha256 digest"). */
  status: z.string().optional(),
})
export type DownloadProgress = z.infer<typeof DownloadProgress>

export const ModelsOverview = z.object({
  modelsDir: z.string(),
  /** The active profile forbids downloads. */
  offline: z.boolean(),
  /** Where GGUF files come from (Hugging Face or a mirror: the setting, else HF_ENDPOINT). */
  hubEndpoint: z.string(),
  /** The user setting models.hubEndpoint as written ('' when HF_ENDPOINT or the hub applies). */
  hubEndpointSetting: z.string(),
  /** A Hugging Face token is saved for that hub (gated repositories); never the token itself. */
  hasHubToken: z.boolean(),
  machine: z.object({ totalMemBytes: z.number(), cores: z.number(), gpu: z.string().nullable() }),
  catalogue: z.array(CatalogueEntry),
  recommended: z.array(Recommendation),
  /** Other .gguf files in the models folder. */
  otherFiles: z.array(z.object({ fileName: z.string(), bytes: z.number() })),
  /** Downloads running now. */
  active: z.array(z.object({ id: z.string(), progress: DownloadProgress.optional() })),
  /** A local Ollama, when one answers. */
  ollama: z.object({ url: z.string(), reachable: z.boolean(), models: z.array(z.string()) }),
  /** What completions use now, in one sentence; null when nothing can serve them. */
  completionRoute: z.string().nullable(),
  /** The user finished or skipped the getting-started page. */
  setupDone: z.boolean(),
})
export type ModelsOverview = z.infer<typeof ModelsOverview>

const Spec = z.string().min(1).max(512)

export const modelsMethods = {
  'models.overview': method(z.object({}), ModelsOverview),
  /**
   * Downloads a catalogue model or `hf:owner/repo/file.gguf[@rev]`; with `use`, the active profile
   * then serves the model's task from it on the embedded engine. Progress comes as `models.progress`.
   */
  'models.pull': method(
    z.object({ spec: Spec, use: z.boolean().default(false) }),
    z.object({ path: z.string(), bytes: z.number(), sha256: z.string(), usedFor: ModelTask.nullable() }),
  ),
  /** Stops a download; its partial file is kept and the next pull resumes it. */
  'models.cancel': method(z.object({ spec: Spec }), z.object({ cancelled: z.boolean() })),
  'models.remove': method(z.object({ name: Spec }), z.object({ removed: z.array(z.string()) })),
  /** `ollama pull` on the profile's Ollama; with `use`, completions go to it first. */
  'models.pullOllama': method(
    z.object({ model: z.string().min(1).max(200), use: z.boolean().default(false) }),
    z.object({ model: z.string(), usedFor: ModelTask.nullable() }),
  ),
  /** The getting-started page is done (or skipped): it stops opening by itself. */
  'models.setupDone': method(z.object({ done: z.boolean() }), z.object({ setupDone: z.boolean() })),
  /** Saves (null: forgets) a Hugging Face token in the secret store, for the hub in use. */
  'models.setHubToken': method(
    z.object({ token: z.string().max(16_384).nullable() }),
    z.object({ hasToken: z.boolean() }),
  ),
} as const

export const modelsEvents = {
  'models.progress': event(z.object({ spec: z.string(), progress: DownloadProgress })),
} as const
