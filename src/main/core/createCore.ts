import { mkdirSync } from 'node:fs'
import { appHandlers, type AppCapabilities } from './appHandlers'
import { createCompletion, type CompletionCoreOptions } from './completion/createCompletion'
import type { CompletionService } from './completion/completionService'
import { completionHandlers } from './completion/completionHandlers'
import { EventBus } from './base/eventBus'
import { HearthMetrics } from './metrics/hearthMetrics'
import { createResources } from './resources/createResources'
import { DEFAULT_POLICY_CONFIG } from './resources/policy'
import { followProfileRemotes } from './resources/profileRemotes'
import { connectPrefetcher, Prefetcher } from './speculation/prefetcher'
import type { PowerSource } from './resources/powerSource'
import type { ResourceController } from './resources/resourceController'
import { resourcesHandlers } from './resources/resourcesHandlers'
import { Dispatcher } from './rpc/dispatcher'
import type { Handlers } from './rpc/handlers'
import { IndexService } from './index/indexService'
import { searchHandlers } from './index/searchHandlers'
import { WorkspaceService } from './workspace/workspaceService'
import { workspaceHandlers } from './workspace/workspaceHandlers'
import { gpuLoadFrom } from './router/gpuLoad'
import { RoutingServices } from './router/routingServices'
import { routedEmbedderSource } from './router/routedEmbedderSource'
import type { SecretStore } from './secrets/secretStore'
import { settingsHandlers } from './router/settingsHandlers'

export interface CoreOptions extends AppCapabilities {
  /** Per-user state directory (see defaultDataDir). */
  dataDir: string
  /** Folder to open at start. */
  workspace?: string
  /** OS power events (Electron powerMonitor adapter); absent headless. */
  power?: PowerSource
  /** Inline completions: provider (default from HEARTH_FIM_* env: embedded GGUF, else local Ollama). */
  completion?: CompletionCoreOptions
  /** Token storage (the app passes one backed by safeStorage); default: memory + HEARTH_TOKEN_* env. */
  secrets?: SecretStore
  /** Core log lines (already redacted of tokens). Default: stderr. */
  log?: (level: 'info' | 'warn', message: string) => void
}

/** Explicit FIM provider choices (flags, HEARTH_FIM_* env) win over the settings' router. */
const explicitFim = (o: CoreOptions, env: NodeJS.ProcessEnv): boolean =>
  !!(
    o.completion?.provider ||
    o.completion?.fim ||
    env.HEARTH_FIM_PROVIDER ||
    env.HEARTH_FIM_MODEL ||
    env.HEARTH_FIM_URL
  )

/**
 * The composition root of the plain-Node core: builds every service once, wires them through
 * narrow interfaces, and owns their disposal. Electron, `hearth serve` and the CLI all call this.
 */
export class Core {
  readonly events: EventBus
  readonly workspace: WorkspaceService
  readonly dispatcher: Dispatcher
  readonly metrics = new HearthMetrics()
  readonly resources: ResourceController
  readonly index: IndexService
  readonly completion: CompletionService
  /** Speculative work (next completion, warm-up of opened files); budgets and keystrokes gate it. */
  readonly prefetcher: Prefetcher
  readonly routing: RoutingServices
  private readonly disposers: (() => Promise<void> | void)[] = []

  private constructor(
    readonly options: CoreOptions,
    routing: RoutingServices,
    events: EventBus,
  ) {
    this.events = events
    this.routing = routing
    this.disposers.push(() => routing.dispose())
    this.workspace = new WorkspaceService({ events: this.events, stateDir: options.dataDir })
    this.disposers.push(() => this.workspace.dispose())
    const s = routing.settings.settings
    this.resources = createResources({
      power: options.power,
      metrics: this.metrics,
      events: this.events,
      config: {
        ...DEFAULT_POLICY_CONFIG,
        battery: {
          enterLowPercent: s.resources.lowBatteryPercent,
          leaveLowPercent: s.resources.lowBatteryPercent + 5,
        },
      },
      overrides: { batterySaver: routing.router.profile.batterySaver },
    })
    this.disposers.push(() => this.resources.dispose())
    this.index = new IndexService({
      events: this.events,
      workspace: this.workspace,
      dataDir: options.dataDir,
      // The profile's `embedding` task decides: Triton/Ollama when up, the built-in one otherwise.
      embedder: routedEmbedderSource(routing.router),
    })
    this.disposers.push(() => this.index.dispose())
    this.disposers.push(this.resources.register(this.index))
    routing.setGpuLoad(gpuLoadFrom(() => this.resources.state().snapshot))
    // The profile's battery saver follows profile switches (laptop: auto, remote: off).
    this.disposers.push(
      routing.settings.onChange((c) => {
        const saver = c.settings.profiles[c.settings.profile]?.batterySaver
        if (saver && saver !== c.previous.profiles[c.previous.profile]?.batterySaver)
          this.resources.setOverrides({ batterySaver: saver })
      }),
    )
    // The monitor watches the active profile's Triton / Ollama servers, through the core's HTTP
    // client so the offline profile's rule applies to probes too; re-aimed on profile switches.
    this.disposers.push(
      followProfileRemotes({
        settings: routing.settings,
        tokens: routing.tokens,
        fetch: routing.http.fetchWith(),
        apply: (probes) => this.resources.setRemoteProbes(probes),
      }),
    )
    // A workspace's .hearth/settings.json applies while it is open.
    this.disposers.push(
      this.events.subscribe((event, payload) => {
        if (event === 'workspace.opened')
          void routing.setWorkspace((payload as { root: string }).root).catch(() => undefined)
      }),
    )
    const completionOptions: CompletionCoreOptions = explicitFim(options, process.env)
      ? (options.completion ?? {})
      : { ...options.completion, provider: routing.router.completionProvider(), http: routing.http }
    this.completion = createCompletion(options.dataDir, this.events, this.metrics, completionOptions)
    this.disposers.push(() => this.completion.dispose())
    this.disposers.push(this.resources.register(this.completion))
    this.prefetcher = new Prefetcher({
      completion: this.completion,
      index: this.index,
      counter: this.metrics.prefetch,
    })
    this.disposers.push(() => this.prefetcher.dispose(), connectPrefetcher(this.resources, this.prefetcher))
    // Definitions from the index go into completion prompts (each source is time-boxed there).
    this.disposers.push(this.completion.addContextSource(this.index))
    this.resources.start()
    const handlers: Handlers = {
      ...appHandlers(options),
      ...workspaceHandlers(this.workspace),
      ...resourcesHandlers(this.resources, this.metrics),
      ...searchHandlers(this.index),
      ...completionHandlers(this.completion),
      ...settingsHandlers(routing),
    }
    this.observeActivity(handlers)
    this.dispatcher = new Dispatcher(handlers)
  }

  /**
   * The user's editor activity, as the resource policy and prefetcher need it: a completion
   * request is a keystroke (background work pauses, speculation in flight is cancelled), an
   * opened file is worth warming once the machine is idle, accept/dismiss feedback tunes the
   * prefetcher's confidence.
   */
  private observeActivity(handlers: Handlers): void {
    const request = handlers['completion.request']
    handlers['completion.request'] = (args, ctx) => {
      this.resources.noteActivity('completion')
      return request(args, ctx)
    }
    const feedback = handlers['completion.feedback']
    handlers['completion.feedback'] = (args, ctx) => {
      if (args.kind === 'dismissed') this.prefetcher.noteCompletionOutcome(false)
      if (args.kind === 'accepted') {
        // After an accepted suggestion the user usually wants the next one: ask for it now.
        const next = this.completion.acceptedContext(args.editorId, args.requestId)
        if (next) this.prefetcher.onCompletionAccepted(next)
        else this.prefetcher.noteCompletionOutcome(true)
      }
      return feedback(args, ctx)
    }
    const read = handlers['file.read']
    handlers['file.read'] = async (args, ctx) => {
      const file = await read(args, ctx)
      this.prefetcher.onFileOpened(args.path)
      return file
    }
  }

  static async create(options: CoreOptions): Promise<Core> {
    mkdirSync(options.dataDir, { recursive: true })
    const events = new EventBus()
    const log = options.log ?? ((level: 'info' | 'warn', m: string) => console.error(`hearth ${level}: ${m}`))
    // Settings are read before anything connects, so the first request already obeys the profile.
    const routing = await RoutingServices.create({
      dataDir: options.dataDir,
      events,
      log,
      ...(options.secrets ? { secrets: options.secrets } : {}),
    })
    const core = new Core(options, routing, events)
    try {
      if (options.workspace) await core.workspace.open(options.workspace)
    } catch (err) {
      await core.dispose()
      throw err
    }
    return core
  }

  async dispose(): Promise<void> {
    // Reverse order of creation: consumers go before what they consume.
    for (const d of this.disposers.splice(0).reverse()) {
      try {
        await d()
      } catch {
        // Disposal must finish for every service even if one fails.
      }
    }
  }
}
