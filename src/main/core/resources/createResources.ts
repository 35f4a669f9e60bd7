import type { ResourceOverrides } from '@shared/contract/resources'
import type { HearthMetrics } from '../metrics/hearthMetrics'
import { ResourceMonitor } from './monitor'
import type { PolicyConfig } from './policy'
import type { PowerSource } from './powerSource'
import type { Probe } from './probes/probe'
import { ollamaPsProbe, tritonMetricsProbe } from './probes/remoteProbes'
import { systemProbes } from './probes/systemProbes'
import { ResourceController, type ResourceStateSink } from './resourceController'

export interface ResourcesOptions {
  /** Electron's powerMonitor adapter in the app; absent headless. */
  power?: PowerSource
  metrics?: HearthMetrics
  events?: ResourceStateSink
  /** Remote servers to watch (the configured DGX profile / Ollama host). */
  remotes?: { tritonMetricsUrl?: string; ollamaUrl?: string; headers?: Record<string, string> }
  /** HTTP for the remote probes (the core's HttpClient `fetchWith()`, so its connection policy applies). */
  fetch?: typeof fetch
  /** Replaces the systeminformation probes (tests, benchmark). */
  probes?: Probe[]
  config?: PolicyConfig
  overrides?: Partial<ResourceOverrides>
  onOverridesChange?: (o: ResourceOverrides) => void
}

/**
 * Monitor (system + remote probes) and controller, wired; call start() once consumers are registered.
 * The remote probes can be replaced later with `controller.setRemoteProbes()` (profile switch).
 */
export function createResources(o: ResourcesOptions = {}): ResourceController {
  const probes = [...(o.probes ?? systemProbes())]
  const r = o.remotes
  const http = o.fetch ? { fetch: o.fetch } : {}
  if (r?.tritonMetricsUrl) probes.push(tritonMetricsProbe({ url: r.tritonMetricsUrl, headers: r.headers, ...http }))
  if (r?.ollamaUrl) probes.push(ollamaPsProbe({ url: r.ollamaUrl, headers: r.headers, ...http }))
  const monitor = new ResourceMonitor({ probes, power: o.power, metrics: o.metrics })
  return new ResourceController({
    monitor,
    events: o.events,
    metrics: o.metrics,
    config: o.config,
    overrides: o.overrides,
    onOverridesChange: o.onOverridesChange,
  })
}
