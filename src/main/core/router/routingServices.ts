import { join } from 'node:path'
import type { SettingsView } from '@shared/contract/settings'
import type { Settings } from '@shared/settings/schema'
import type { EventBus } from '../base/eventBus'
import { CodeHashEmbedder } from '../inference/codeHashEmbedder'
import type { Embedder } from '../inference/embedder'
import { allowAllPolicy, loopbackOnlyPolicy } from '../net/connectionPolicy'
import { HttpClient, setProcessConnectionPolicy } from '../net/httpClient'
import { MemorySecretStore } from '../secrets/memorySecretStore'
import { OverlaySecretStore } from '../secrets/overlaySecretStore'
import type { SecretStore } from '../secrets/secretStore'
import { TokenStore, tokenEntry, tokensFromEnv } from '../secrets/tokenStore'
import { SettingsService } from '../settings/settingsService'
import { OVERRIDE_ENDPOINT_ID, withTaskOverride, type TaskOverride } from '../settings/taskOverride'
import { ModelRouter, type ModelRouterOptions } from './modelRouter'
import { defaultProviderFactory, type ProviderFactory } from '../inference/providerFactory'
import { DisposableStore, type Disposable } from '../base/lifecycle'

export interface RoutingOptions {
  /** `<dataDir>/settings.json` is the user settings file. */
  dataDir: string
  /** Where tokens live; default: memory, seeded from HEARTH_TOKEN_<ENDPOINT> (headless, CLI). */
  secrets?: SecretStore
  /** The core's one HTTP client (made here when absent). */
  http?: HttpClient
  /** Emits status/settings events (the core's EventBus). */
  events?: Pick<EventBus, 'emit'>
  /** The no-server embedder for `embedded` endpoints (default: the index's hashing embedder). */
  embeddedEmbedder?: (model: string) => Embedder
  factory?: ProviderFactory
  gpuLoad?: ModelRouterOptions['gpuLoad']
  /** Log sink; every line is redacted of known tokens first. */
  log?: (level: 'info' | 'warn', message: string) => void
  /** Poll interval for outside edits of the settings files (ms; 0 = off). */
  watchIntervalMs?: number
  /** Periodic health checks (default on). */
  monitor?: boolean
  env?: NodeJS.ProcessEnv
  /**
   * One task served by one endpoint whatever the settings say (CLI flags, HEARTH_FIM_*): kept
   * over every settings change; the profile's network rule still applies. Its token, if given,
   * is held in memory only.
   */
  override?: TaskOverride & { token?: string }
}

const SECRET_KEY = /token|secret|password|api[-_]?key|authorization|bearer/i

/** The settings the router follows: the override applied, models folders filled in. */
function effective(s: Settings, o: RoutingOptions): Settings {
  return withModelsDir(o.override ? withTaskOverride(s, o.override) : s, o.dataDir)
}

/** GGUF files of an embedded endpoint without its own folder live in `<dataDir>/models`. */
function withModelsDir(s: Settings, dataDir: string): Settings {
  const endpoints = Object.fromEntries(
    Object.entries(s.endpoints).map(([id, e]) => [
      id,
      e.kind === 'embedded' && e.modelsDir === undefined ? { ...e, modelsDir: join(dataDir, 'models') } : e,
    ]),
  )
  return { ...s, endpoints }
}

/**
 * Settings + secret store + router, wired: a settings change (file edit, `settings.update`,
 * profile switch, workspace opened) reaches the router at once — connection policy included —
 * and both emit their events. The core builds one and hands `router.completionProvider()` to the
 * completion service and `routedEmbedderSource(router)` to the index.
 */
export class RoutingServices implements Disposable {
  private readonly subscriptions = new DisposableStore()
  private readonly ownsHttp: boolean

  private constructor(
    readonly settings: SettingsService,
    readonly tokens: TokenStore,
    readonly router: ModelRouter,
    readonly http: HttpClient,
    ownsHttp: boolean,
    private readonly opts: RoutingOptions,
  ) {
    this.ownsHttp = ownsHttp
    this.subscriptions.defer(
      settings.onChange((c) => {
        // Process-wide rule first: the router's re-checks start right away and must run under it.
        const p = c.settings.profiles[c.settings.profile]
        setProcessConnectionPolicy(p?.network === 'loopback-only' ? loopbackOnlyPolicy : allowAllPolicy)
        router.applySettings(effective(c.settings, opts))
        for (const p of c.problems)
          this.log('warn', `settings: ${p.file}: ${p.key ? `${p.key}: ` : ''}${p.message}`)
        opts.events?.emit('settings.changed', this.view())
      }),
    )
    this.subscriptions.defer(router.onStatus((s) => opts.events?.emit('backends.status', s)))
  }

  static async create(o: RoutingOptions): Promise<RoutingServices> {
    const env = o.env ?? process.env
    const http = o.http ?? new HttpClient()
    // The token store needs the endpoint ids (env tokens) and the settings need the token store
    // (write guard): the guard reads it through this holder.
    const holder: { tokens?: TokenStore } = {}
    const settings = await SettingsService.open({
      userFile: join(o.dataDir, 'settings.json'),
      watchIntervalMs: o.watchIntervalMs ?? 1000,
      // Whatever path a token took, it never reaches a settings file.
      guardWrite: (text) => holder.tokens?.assertNoSecret(text, 'a settings file'),
    })
    const overrideToken = o.override?.token ? [tokenEntry(OVERRIDE_ENDPOINT_ID, o.override.token)] : []
    const base =
      o.secrets ??
      new MemorySecretStore(undefined, tokensFromEnv(env, Object.keys(settings.settings.endpoints)))
    // The override's token is for this run only: in memory, in front of whatever store is used.
    const secrets = overrideToken.length > 0 ? new OverlaySecretStore(base, overrideToken) : base
    const tokens = new TokenStore(secrets)
    holder.tokens = tokens
    await tokens.init()
    const log = o.log
    // Before the router exists: its first health checks must already run under the rule (and a
    // later switch would tear their sockets down mid-check).
    const offline = settings.settings.profiles[settings.settings.profile]?.network === 'loopback-only'
    setProcessConnectionPolicy(offline ? loopbackOnlyPolicy : allowAllPolicy)
    const router = new ModelRouter({
      http,
      tokens,
      settings: effective(settings.settings, o),
      factory:
        o.factory ??
        defaultProviderFactory({
          http,
          embeddedEmbedder: o.embeddedEmbedder ?? (() => new CodeHashEmbedder()),
        }),
      ...(o.gpuLoad ? { gpuLoad: o.gpuLoad } : {}),
      ...(log ? { log } : {}),
      ...(o.monitor !== undefined ? { monitor: o.monitor } : {}),
    })
    const services = new RoutingServices(settings, tokens, router, http, !o.http, o)
    for (const p of settings.problems)
      services.log('warn', `settings: ${p.file}: ${p.key ? `${p.key}: ` : ''}${p.message}`)
    return services
  }

  /** Settings as the renderer sees them: no token anywhere, only `hasToken`. */
  view(): SettingsView {
    const s = this.settings.settings
    const tokens: SettingsView['tokens'] = {}
    for (const id of Object.keys(s.endpoints)) tokens[id] = { hasToken: this.tokens.hasToken(id) }
    const warning = this.tokens.warning
    return {
      effective: s,
      user: this.scrub(this.settings.raw('user') ?? {}),
      workspace: this.settings.files.workspace ? this.scrub(this.settings.raw('workspace') ?? {}) : null,
      files: this.settings.files,
      problems: [...this.settings.problems],
      tokens,
      secretStorage: warning
        ? { persistent: this.tokens.persistent, warning }
        : { persistent: this.tokens.persistent },
    }
  }

  setGpuLoad(fn: ModelRouterOptions['gpuLoad']): void {
    this.router.setGpuLoad(fn)
  }

  /**
   * A file's own content as the renderer may see it: a token someone pasted into a settings file
   * (refused there, but still in the file) is masked, and so is any known token value.
   */
  private scrub(raw: Record<string, unknown>): Record<string, unknown> {
    const walk = (v: unknown, key: string): unknown => {
      if (typeof v === 'string') return SECRET_KEY.test(key) ? '‹redacted›' : this.tokens.redact(v)
      if (Array.isArray(v)) return v.map((x) => walk(x, key))
      if (typeof v === 'object' && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]))
      }
      return v
    }
    return walk(raw, '') as Record<string, unknown>
  }

  /** A workspace opened (root) or closed (undefined): its `.hearth/settings.json` applies. */
  async setWorkspace(root: string | undefined): Promise<void> {
    await this.settings.setWorkspaceFile(root ? join(root, '.hearth', 'settings.json') : undefined)
  }

  private log(level: 'info' | 'warn', message: string): void {
    this.opts.log?.(level, this.tokens.redact(message))
  }

  async dispose(): Promise<void> {
    await this.subscriptions.dispose()
    setProcessConnectionPolicy(allowAllPolicy)
    this.settings.dispose()
    await this.router.dispose()
    if (this.ownsHttp) this.http.dispose()
  }
}
