import { join } from 'node:path'
import { readFile } from 'node:fs/promises'
import type { CatalogueEntry, ModelsOverview, modelsMethods } from '@shared/contract/models'
import { HearthError } from '@shared/errors'
import type { EventBus } from './base/eventBus'
import type { Disposable } from './base/lifecycle'
import { atomicWrite } from './files/atomicWrite'
import { PRIVATE_FILE_MODE } from './files/dataDir'
import { ModelManager } from './models/modelManager'
import { hubEndpoint, parseModelRequest, type ModelRequest } from './models/modelSpec'
import { thisMachine, type MachineFacts } from './models/recommend'
import type { RoutingServices } from './router/routingServices'
import type { HandlersFor } from './rpc/handlers'
import type { SettingsService } from './settings/settingsService'
import { useModelPatch } from './settings/useModel'

export interface ModelServiceOptions {
  dataDir: string
  routing: RoutingServices
  events: EventBus
  /** The largest local GPU the resource monitor sees, for the recommendation. */
  gpu?: () => MachineFacts['gpu']
  env?: NodeJS.ProcessEnv
}

const SETUP_FILE = 'setup.json'
/** The secret store's key for the Hugging Face token (not an endpoint id a user can choose: a dot). */
const HUB_TOKEN_ID = '.huggingface'

/**
 * The model manager as the app uses it: downloads land in the embedded engine's models folder,
 * obey the active profile (offline refuses), report progress as events, and can be wired into the
 * active profile in the same step, so the first completion needs no settings file edited.
 */
export class ModelService implements Disposable {
  readonly manager: ModelManager
  /** Ollama pulls in flight, by `ollama:<model>`, so Cancel reaches them too. */
  private readonly ollamaPulls = new Map<string, AbortController>()

  constructor(private readonly o: ModelServiceOptions) {
    const r = o.routing
    this.manager = new ModelManager({
      http: r.http,
      modelsDir: this.modelsDir(),
      offline: () => this.offline(),
      env: o.env ?? process.env,
      hfEndpoint: () => r.settings.settings.models.hubEndpoint || undefined,
      hfToken: () => Promise.resolve(this.hubToken()),
    })
  }

  dispose(): void {
    this.manager.dispose()
    for (const c of this.ollamaPulls.values()) c.abort()
  }

  cancel(spec: string): boolean {
    const ollama = this.ollamaPulls.get(spec)
    ollama?.abort()
    return this.manager.cancel(spec) || ollama !== undefined
  }

  private modelsDir(): string {
    return this.o.routing.settings.settings.endpoints.embedded?.modelsDir ?? join(this.o.dataDir, 'models')
  }

  private hubEndpoint(): string {
    return hubEndpoint(
      this.o.routing.settings.settings.models.hubEndpoint || undefined,
      this.o.env ?? process.env,
    )
  }

  /** A token saved in the secret store for the hub in use (bound to its origin), else none. */
  private hubToken(): string | undefined {
    const found = this.o.routing.tokens.lookup(HUB_TOKEN_ID, this.hubEndpoint())
    return found.status === 'ok' ? found.token : undefined
  }

  /** Saves (or with null, forgets) the Hugging Face token, for the hub in use only. */
  async setHubToken(token: string | null): Promise<boolean> {
    if (token === null) await this.o.routing.tokens.clear(HUB_TOKEN_ID)
    else await this.o.routing.tokens.set(HUB_TOKEN_ID, this.hubEndpoint(), token)
    return this.hubToken() !== undefined
  }

  private offline(): boolean {
    const s = this.o.routing.settings.settings
    return s.profiles[s.profile]?.network === 'loopback-only'
  }

  private machine(): MachineFacts {
    return thisMachine(this.o.gpu?.())
  }

  async overview(): Promise<ModelsOverview> {
    const installed = await this.manager.installed()
    const byFile = new Map(installed.map((m) => [m.fileName, m]))
    const catalogue: CatalogueEntry[] = this.manager.catalogue().map((m) => {
      const file = m.gguf.file.split('/').pop() ?? m.gguf.file
      const have = byFile.get(file)
      return {
        id: m.id,
        task: m.task,
        title: m.title,
        purpose: m.purpose,
        sizeBytes: m.sizeBytes,
        ramBytes: m.ramBytes,
        source: `${m.gguf.repo}/${m.gguf.file}`,
        ollama: m.ollama ?? null,
        installed: have !== undefined && !have.partial,
        partialBytes: have?.partial ? have.bytes : 0,
      }
    })
    const machine = this.machine()
    const status = this.o.routing.router.status()
    const completion = status.tasks.find((t) => t.task === 'completion')
    const ollamaUrl = this.o.routing.settings.settings.endpoints.ollama?.url ?? 'http://127.0.0.1:11434'
    return {
      modelsDir: this.manager.modelsDir,
      offline: this.offline(),
      hubEndpoint: this.hubEndpoint(),
      hubEndpointSetting: this.o.routing.settings.settings.models.hubEndpoint,
      hasHubToken: this.hubToken() !== undefined,
      machine: { totalMemBytes: machine.totalMemBytes, cores: machine.cores, gpu: machine.gpu?.name ?? null },
      catalogue,
      recommended: this.manager.recommend(machine).map((r) => ({ task: r.task, id: r.model.id, why: r.why })),
      otherFiles: installed
        .filter((m) => !m.entry && !m.partial)
        .map((m) => ({ fileName: m.fileName, bytes: m.bytes })),
      active: this.manager
        .active()
        .map((a) => ({ id: a.fileName, ...(a.progress ? { progress: a.progress } : {}) })),
      ollama: await this.ollamaState(ollamaUrl),
      completionRoute:
        completion?.endpointId != null ? `${completion.endpointId} · ${completion.model ?? ''}` : null,
      setupDone: await this.setupDone(),
    }
  }

  async pull(
    spec: string,
    use: boolean,
  ): Promise<{ path: string; bytes: number; sha256: string; usedFor: CatalogueEntry['task'] | null }> {
    const request = parseModelRequest(spec)
    const res = await this.manager.pull(spec, (progress) =>
      this.o.events.emit('models.progress', { spec, progress }),
    )
    let usedFor: CatalogueEntry['task'] | null = null
    if (use) {
      usedFor = await useDownloadedModel(this.o.routing.settings, request)
      if (usedFor === 'completion') void this.warmCompletion()
    }
    return { path: res.path, bytes: res.bytes, sha256: res.sha256, usedFor }
  }

  async pullOllama(model: string, use: boolean): Promise<{ model: string; usedFor: 'completion' | null }> {
    const s = this.o.routing.settings
    const url = s.settings.endpoints.ollama?.url ?? 'http://127.0.0.1:11434'
    const found = this.o.routing.tokens.lookup('ollama', url)
    const token = found.status === 'ok' ? found.token : undefined
    const key = `ollama:${model}`
    if (this.ollamaPulls.has(key)) throw new HearthError('busy', `${model} is already being pulled`)
    const abort = new AbortController()
    this.ollamaPulls.set(key, abort)
    try {
      await this.manager.pullOllama(
        url,
        model,
        (progress) => this.o.events.emit('models.progress', { spec: key, progress }),
        token,
        abort.signal,
      )
    } finally {
      this.ollamaPulls.delete(key)
    }
    if (!use) return { model, usedFor: null }
    await s.update('user', useModelPatch(s.settings, 'completion', 'ollama', model))
    return { model, usedFor: 'completion' }
  }

  /**
   * Loads the model completions now use, in the background: the engine's first load takes seconds
   * (llama.cpp starting up), which the user's first keystroke would otherwise wait for.
   */
  private async warmCompletion(): Promise<void> {
    try {
      const router = this.o.routing.router
      await router.checkAll()
      const provider = router.providerFor(router.peek('completion')) as { load?: () => Promise<unknown> }
      await provider.load?.()
    } catch {
      // Nothing to warm (no route yet, a failing check): the first request loads and reports it.
    }
  }

  private async ollamaState(url: string): Promise<ModelsOverview['ollama']> {
    try {
      const list = await this.o.routing.router.listModels('ollama')
      const mine = list.find((e) => e.endpointId === 'ollama')
      if (!mine || mine.error) return { url, reachable: false, models: [] }
      return { url, reachable: true, models: mine.models.map((m) => m.name) }
    } catch {
      return { url, reachable: false, models: [] }
    }
  }

  async setupDone(): Promise<boolean> {
    try {
      const v = JSON.parse(await readFile(join(this.o.dataDir, SETUP_FILE), 'utf8')) as { done?: unknown }
      return v.done === true
    } catch {
      return false
    }
  }

  async setSetupDone(done: boolean): Promise<boolean> {
    await atomicWrite(join(this.o.dataDir, SETUP_FILE), Buffer.from(`${JSON.stringify({ done })}\n`), {
      mode: PRIVATE_FILE_MODE,
    })
    return done
  }
}

/**
 * Makes the active profile serve a downloaded model's task from it on the embedded engine (user
 * settings). A custom `hf:` file counts as a completion model.
 */
export async function useDownloadedModel(
  settings: SettingsService,
  request: ModelRequest,
): Promise<CatalogueEntry['task']> {
  const task = request.entry?.task ?? 'completion'
  await settings.update('user', useModelPatch(settings.settings, task, 'embedded', request.fileName))
  return task
}

export function modelHandlers(svc: ModelService): HandlersFor<keyof typeof modelsMethods> {
  return {
    'models.overview': () => svc.overview(),
    'models.pull': ({ spec, use }) => svc.pull(spec, use),
    'models.cancel': ({ spec }) => ({ cancelled: svc.cancel(spec) }),
    'models.remove': async ({ name }) => ({ removed: await svc.manager.remove(name) }),
    'models.pullOllama': ({ model, use }) => svc.pullOllama(model, use),
    'models.setupDone': async ({ done }) => ({ setupDone: await svc.setSetupDone(done) }),
    'models.setHubToken': async ({ token }) => ({ hasToken: await svc.setHubToken(token) }),
  }
}
