import { mkdirSync } from 'node:fs'
import { appHandlers, type AppCapabilities } from './appHandlers'
import { createCompletion, type CompletionCoreOptions } from './completion/createCompletion'
import type { CompletionService } from './completion/completionService'
import { completionHandlers } from './completion/completionHandlers'
import { EventBus } from './events/eventBus'
import { HearthMetrics } from './metrics/hearthMetrics'
import { createResources } from './resources/createResources'
import type { PowerSource } from './resources/powerSource'
import type { ResourceController } from './resources/resourceController'
import { resourcesHandlers } from './resources/resourcesHandlers'
import { Dispatcher } from './rpc/dispatcher'
import type { Handlers } from './rpc/handlers'
import { IndexService } from './index/indexService'
import { searchHandlers } from './index/searchHandlers'
import { WorkspaceService } from './workspace/workspaceService'
import { workspaceHandlers } from './workspace/workspaceHandlers'

export interface CoreOptions extends AppCapabilities {
  /** Per-user state directory (see defaultDataDir). */
  dataDir: string
  /** Folder to open at start. */
  workspace?: string
  /** OS power events (Electron powerMonitor adapter); absent headless. */
  power?: PowerSource
  /** Inline completions: provider (default from HEARTH_FIM_* env: embedded GGUF, else local Ollama). */
  completion?: CompletionCoreOptions
}

/**
 * The composition root of the plain-Node core: builds every service once, wires them through
 * narrow interfaces, and owns their disposal. Electron, `hearth serve` and the CLI all call this.
 */
export class Core {
  readonly events = new EventBus()
  readonly workspace: WorkspaceService
  readonly dispatcher: Dispatcher
  readonly metrics = new HearthMetrics()
  readonly resources: ResourceController
  readonly completion: CompletionService
  readonly index: IndexService
  private readonly disposers: (() => Promise<void> | void)[] = []

  private constructor(readonly options: CoreOptions) {
    mkdirSync(options.dataDir, { recursive: true })
    this.workspace = new WorkspaceService({ events: this.events, stateDir: options.dataDir })
    this.disposers.push(() => this.workspace.dispose())
    this.resources = createResources({ power: options.power, metrics: this.metrics, events: this.events })
    this.disposers.push(() => this.resources.dispose())
    this.index = new IndexService({ events: this.events, workspace: this.workspace, dataDir: options.dataDir })
    this.disposers.push(() => this.index.dispose())
    this.disposers.push(this.resources.register(this.index))
    this.completion = createCompletion(options.dataDir, this.events, this.metrics, options.completion)
    this.disposers.push(() => this.completion.dispose())
    this.disposers.push(this.resources.register(this.completion))
    this.resources.start()
    const handlers: Handlers = {
      ...appHandlers(options),
      ...workspaceHandlers(this.workspace),
      ...resourcesHandlers(this.resources, this.metrics),
      ...completionHandlers(this.completion),
      ...searchHandlers(this.index),
    }
    this.dispatcher = new Dispatcher(handlers)
  }

  static async create(options: CoreOptions): Promise<Core> {
    const core = new Core(options)
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
