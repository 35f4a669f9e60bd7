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
  /** Replaces the systeminformation probes (tests, benchmark). */
  probes?: Probe[]
  config?: PolicyConfig
  overrides?: Partial<ResourceOverrides>
  onOverridesChange?: (o: ResourceOverrides) => void
}

/** Monitor (system + remote probes) and controller, wired; call start() once consumers are registered. */
export function createResources(o: ResourcesOptions = {}): ResourceController {
  const probes = [...(o.probes ?? systemProbes())]
  if (o.remotes?.tritonMetricsUrl) probes.push(tritonMetricsProbe({ url: o.remotes.tritonMetricsUrl, headers: o.remotes.headers }))
  if (o.remotes?.ollamaUrl) probes.push(ollamaPsProbe({ url: o.remotes.ollamaUrl, headers: o.remotes.headers }))
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
