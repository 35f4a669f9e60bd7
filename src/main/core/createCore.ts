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
import { indexesHandlers, removeUnusedIndexes } from './index/indexesHandlers'
import { literalSearchHandlers } from './index/literal/literalHandlers'
import { LiteralReplace } from './index/literal/literalReplace'
import { LiteralSearch } from './index/literal/literalSearch'
import { serveIndexSocket } from './index/cliSocket/indexSocketServer'
import { WorkspaceService } from './workspace/workspaceService'
import { workspaceHandlers } from './workspace/workspaceHandlers'
import { GitService } from './git/gitService'
import { gitHandlers } from './git/gitHandlers'
import { TerminalService } from './terminal/terminalService'
import { terminalHandlers } from './terminal/terminalHandlers'
import { languageHandlers } from './workspace/languageSources'
import { sessionHandlers } from './workspace/sessionHandlers'
import { SessionStore } from './workspace/sessionStore'
import { gpuLoadFrom } from './router/gpuLoad'
import { RoutingServices } from './router/routingServices'
import { routedEmbedderSource } from './router/routedEmbedderSource'
import type { SecretStore } from './secrets/secretStore'
import { settingsHandlers } from './router/settingsHandlers'
import { ensurePrivateDirSync } from './files/dataDir'
import { ModelService, modelHandlers } from './modelHandlers'
import { chatHandlers } from './chatHandlers'
import type { GpuReading } from '@shared/contract/resources'
import { fimOverrideFrom } from './router/fimFlags'
import type { RoutingOptions } from './router/routingServices'
import type { ProviderFactory } from './inference/providerFactory'
import { DisposableStore } from './base/lifecycle'
import type { MiddlewareTable } from './rpc/handlers'

export interface CoreOptions extends AppCapabilities {
  /** Per-user state directory (see defaultDataDir). */
  dataDir: string
  /** Folder to open at start. */
  workspace?: string
  /** OS power events (Electron powerMonitor adapter); absent headless. */
  power?: PowerSource
  /** Inline completions: service tuning and the persistent cache (where they go is the router's). */
  completion?: CompletionCoreOptions
  /**
   * One task served by one endpoint over the settings (CLI flags). Default: from HEARTH_FIM_*
   * variables when set (see fimOverrideFrom), else none — the settings' profile decides.
   */
  override?: RoutingOptions['override']
  /** Builds providers (default: the real ones); benchmarks wrap it to instrument an engine. */
  factory?: ProviderFactory
  /** Token storage (the app passes one backed by safeStorage); default: memory + HEARTH_TOKEN_* env. */
  secrets?: SecretStore
  /** Core log lines (already redacted of tokens). Default: stderr. */
  log?: (level: 'info' | 'warn', message: string) => void
}

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
  /** Exact-text and regex search over the index's files, and replace across them. */
  readonly literal: LiteralSearch
  readonly replace: LiteralReplace
  readonly completion: CompletionService
  /** Speculative work (next completion, warm-up of opened files); budgets and keystrokes gate it. */
  readonly prefetcher: Prefetcher
  readonly routing: RoutingServices
  /** Model downloads (Hugging Face, Ollama) and the getting-started state. */
  readonly models: ModelService
  /** Source control of the open folder through the user's git. */
  readonly git: GitService
  /** The integrated terminal's shells; ended with their folder and with the core. */
  readonly terminals: TerminalService
  private readonly store = new DisposableStore()

  private constructor(
    readonly options: CoreOptions,
    routing: RoutingServices,
    events: EventBus,
  ) {
    this.events = events
    this.routing = routing
    this.store.add(routing)
    this.workspace = new WorkspaceService({
      events: this.events,
      stateDir: options.dataDir,
      excludes: () => routing.settings.settings.index.exclude,
    })
    this.store.add(this.workspace)
    this.git = this.store.add(new GitService({ emit: (st) => this.events.emit('git.changed', st) }))
    this.store.defer(this.workspace.onDidOpen((i) => this.git.open(i.root, this.workspace.watcher)))
    this.store.defer(this.workspace.onDidClose(() => this.git.close()))
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
    this.store.add(this.resources)
    this.index = new IndexService({
      events: this.events,
      workspace: this.workspace,
      dataDir: options.dataDir,
      // The profile's `embedding` task decides: Triton/Ollama when up, the built-in one otherwise.
      embedder: routedEmbedderSource(routing.router),
      includeSecretFiles: () => routing.settings.settings.index.includeSecretFiles,
      // `hearth search` on this folder asks this process (over a socket beside the index) instead
      // of failing on the index's lock; the dispatcher is read at the first call, once it exists.
      whileOpen: (dbDir) =>
        serveIndexSocket({
          dbDir,
          dispatcher: () => this.dispatcher,
          log: options.log ?? defaultLog(process.env),
        }),
    })
    this.store.add(this.index)
    this.store.defer(this.resources.register(this.index))
    this.literal = new LiteralSearch({
      root: () => this.workspace.root,
      rules: () => this.workspace.rules,
      includeSecretFiles: () => routing.settings.settings.index.includeSecretFiles,
      indexedPaths: () => this.index.indexedPaths(),
    })
    this.store.add(this.literal)
    // The workspace stays silent about its own saves; open editors learn of a replace from this.
    this.replace = new LiteralReplace(this.literal, this.workspace, (path, version) =>
      this.events.emit('file.changed', { path, kind: 'changed', version }),
    )
    routing.setGpuLoad(gpuLoadFrom(() => this.resources.state().snapshot))
    this.models = new ModelService({
      dataDir: options.dataDir,
      routing,
      events: this.events,
      gpu: () => largestLocalGpu(this.resources.state().snapshot.gpus),
    })
    this.store.add(this.models)
    // index.removeUnusedAfterDays: old indexes go a little after start, out of the way of opening.
    const indexesDeps = { dataDir: options.dataDir, recentFolders: () => this.workspace.recent() }
    const gcTimer = setTimeout(() => {
      const days = routing.settings.settings.index.removeUnusedAfterDays
      const current = this.workspace.root
      void removeUnusedIndexes({ ...indexesDeps, days, current }).catch(() => undefined)
    }, 5_000)
    gcTimer.unref()
    this.store.defer(() => clearTimeout(gcTimer))
    // The profile's battery saver follows profile switches (laptop: auto, remote: off).
    this.store.defer(
      routing.settings.onChange((c) => {
        const saver = c.settings.profiles[c.settings.profile]?.batterySaver
        if (saver && saver !== c.previous.profiles[c.previous.profile]?.batterySaver)
          this.resources.setOverrides({ batterySaver: saver })
        // Opting in indexes the secret-looking files; opting out removes them, at once.
        if (c.settings.index.includeSecretFiles !== c.previous.index.includeSecretFiles)
          this.index.rebuild(false)
        // New exclude globs: what they leave out leaves the index, what they let in comes in.
        if (c.settings.index.exclude.join('\n') !== c.previous.index.exclude.join('\n')) {
          this.workspace.rulesChanged()
          this.index.rebuild(false)
        }
      }),
    )
    // The monitor watches the active profile's Triton / Ollama servers, through the core's HTTP
    // client so the offline profile's rule applies to probes too; re-aimed on profile switches.
    this.store.defer(
      followProfileRemotes({
        settings: routing.settings,
        tokens: routing.tokens,
        fetch: routing.http.fetchWith(),
        apply: (probes) => this.resources.setRemoteProbes(probes),
      }),
    )
    // A workspace's .hearth/settings.json applies while it is open.
    this.store.defer(
      this.events.subscribe((event, payload) => {
        if (event === 'workspace.opened')
          void routing.setWorkspace((payload as { root: string }).root).catch(() => undefined)
      }),
    )
    this.completion = createCompletion(
      options.dataDir,
      routing.router.completionProvider(),
      this.events,
      this.metrics,
      {
        ...options.completion,
        service: {
          ...options.completion?.service,
          includeSecretFiles: () => routing.settings.settings.index.includeSecretFiles,
        },
      },
    )
    this.store.add(this.completion)
    this.store.defer(this.resources.register(this.completion))
    this.prefetcher = new Prefetcher({
      completion: this.completion,
      index: this.index,
      counter: this.metrics.prefetch,
    })
    this.store.add(this.prefetcher)
    this.store.defer(connectPrefetcher(this.resources, this.prefetcher))
    // Definitions from the index go into completion prompts (each source is time-boxed there).
    this.store.defer(this.completion.addContextSource(this.index))
    this.resources.start()
    // Built last, so disposed first: shells end at the start of a shutdown, not after the index.
    this.terminals = this.store.add(
      new TerminalService({ events: this.events, cwd: () => this.workspace.root }),
    )
    this.store.defer(this.workspace.onDidClose(() => void this.terminals.killAll()))
    const handlers: Handlers = {
      ...appHandlers(options),
      ...workspaceHandlers(this.workspace),
      ...languageHandlers(this.workspace),
      ...sessionHandlers(
        new SessionStore(options.dataDir),
        () => this.workspace.root,
        () => this.workspace.recent(),
      ),
      ...resourcesHandlers(this.resources, this.metrics),
      ...searchHandlers(this.index),
      ...literalSearchHandlers(this.literal, this.replace, this.events),
      ...completionHandlers(this.completion),
      ...settingsHandlers(routing),
      ...modelHandlers(this.models),
      ...indexesHandlers(indexesDeps),
      ...gitHandlers(this.git),
      ...terminalHandlers(this.terminals),
      ...chatHandlers({
        dataDir: options.dataDir,
        workspace: this.workspace,
        index: this.index,
        route: routing.router.chat(),
        events: this.events,
      }),
    }
    this.dispatcher = new Dispatcher(handlers, this.activity())
  }

  /**
   * The user's editor activity, as the resource policy and prefetcher need it: a completion
   * request is a keystroke (background work pauses, speculation in flight is cancelled), an
   * opened file is worth warming once the machine is idle, accept/dismiss feedback tunes the
   * prefetcher's confidence.
   */
  private activity(): MiddlewareTable {
    return {
      'completion.request': (_args, _ctx, next) => {
        this.resources.noteActivity('completion')
        return next()
      },
      'completion.feedback': (args, _ctx, next) => {
        if (args.kind === 'dismissed') this.prefetcher.noteCompletionOutcome(false)
        if (args.kind === 'accepted') {
          // After an accepted suggestion the user usually wants the next one: ask for it now.
          const next = this.completion.acceptedContext(args.editorId, args.requestId)
          if (next) this.prefetcher.onCompletionAccepted(next)
          else this.prefetcher.noteCompletionOutcome(true)
        }
        return next()
      },
      'file.read': async (args, _ctx, next) => {
        const file = await next()
        this.prefetcher.onFileOpened(args.path)
        return file
      },
    }
  }

  static async create(options: CoreOptions): Promise<Core> {
    ensurePrivateDirSync(options.dataDir)
    const events = new EventBus()
    const log = options.log ?? defaultLog(process.env)
    const override = options.override ?? fimOverrideFrom({}, process.env)
    // Settings are read before anything connects, so the first request already obeys the profile.
    const routing = await RoutingServices.create({
      dataDir: options.dataDir,
      events,
      log,
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.factory ? { factory: options.factory } : {}),
      ...(override ? { override } : {}),
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

  /** Everything the core built, newest first: consumers go before what they consume. */
  async dispose(): Promise<void> {
    await this.store.dispose()
  }
}

/** The local GPU with the most memory, as the model recommendation wants it. */
function largestLocalGpu(
  gpus: readonly GpuReading[],
): { name: string; memoryBytes: number | null } | undefined {
  const local = gpus.filter((g) => g.source === 'local')
  local.sort((a, b) => (b.memoryTotalBytes ?? 0) - (a.memoryTotalBytes ?? 0))
  const g = local[0]
  return g ? { name: g.name, memoryBytes: g.memoryTotalBytes } : undefined
}

/** Warnings on stderr; routine news (a backend found, a first check's finding) with HEARTH_LOG=info. */
function defaultLog(env: NodeJS.ProcessEnv): (level: 'info' | 'warn', message: string) => void {
  const verbose = env.HEARTH_LOG === 'info' || env.HEARTH_LOG === 'debug'
  return (level, m) => {
    if (level === 'warn' || verbose) console.error(`hearth ${level}: ${m}`)
  }
}
