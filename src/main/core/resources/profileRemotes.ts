import { isIP } from 'node:net'
import { HearthError } from '@shared/errors'
import { TASKS, type EndpointConfig, type Settings } from '@shared/settings/schema'
import { offlineRefusal } from '../net/connectionPolicy'
import type { TokenLookup } from '../secrets/tokenStore'
import type { Probe } from './probes/probe'
import { ollamaPsProbe, tritonMetricsProbe, type RemoteProbeOptions } from './probes/remoteProbes'

/** Triton's default metrics port (its HTTP API is on 8000, gRPC on 8001). */
export const TRITON_METRICS_PORT = '8002'

/** One server the resource monitor watches for the active profile. */
export interface RemoteTarget {
  endpointId: string
  kind: 'triton' | 'ollama'
  /** What the probe reads: Triton's metrics base URL, or Ollama's API base URL. */
  url: string
}

/** A Triton endpoint's Prometheus base URL: `metricsUrl`, else its host on port 8002. */
export function tritonMetricsUrl(e: EndpointConfig): string | undefined {
  if (e.metricsUrl) return e.metricsUrl
  if (!e.url) return undefined
  try {
    const u = new URL(e.url)
    u.port = TRITON_METRICS_PORT
    u.pathname = '/'
    u.search = ''
    u.hash = ''
    return u.toString()
  } catch {
    return undefined
  }
}

/**
 * Every Triton and Ollama endpoint that some task of the ACTIVE profile may use (any tier of its
 * chain), once each, in settings order. Inactive profiles' servers are never probed.
 */
export function activeProfileRemotes(s: Settings): RemoteTarget[] {
  const profile = s.profiles[s.profile]
  if (!profile) return []
  const used = new Set<string>()
  for (const task of TASKS) for (const tier of profile.tasks[task].chain) for (const id of tier.endpoints) used.add(id)
  const out: RemoteTarget[] = []
  for (const id of used) {
    const e = s.endpoints[id]
    if (e?.kind === 'triton') {
      const url = tritonMetricsUrl(e)
      if (url) out.push({ endpointId: id, kind: 'triton', url })
    } else if (e?.kind === 'ollama' && e.url) {
      out.push({ endpointId: id, kind: 'ollama', url: e.url })
    }
  }
  return out
}

export interface FollowProfileRemotesOptions {
  settings: {
    readonly settings: Settings
    onChange(listener: (c: { settings: Settings }) => void): () => void
  }
  /** The core's HttpClient `fetchWith()`: the process-wide connection policy applies to probes. */
  fetch: typeof fetch
  /** Bearer tokens (the secret store); looked up on every read, bound to the probed origin. */
  tokens?: { lookup(endpointId: string, url: string | undefined): TokenLookup }
  /** Where the probes go (ResourceController.setRemoteProbes). */
  apply(probes: Probe[]): void
  /** Cadence and deadline overrides (tests); defaults are the probes' own. */
  probe?: Pick<RemoteProbeOptions, 'baseMs' | 'maxMs' | 'timeoutMs'>
}

/**
 * Keeps the monitor's remote probes on the active profile's servers: applies them now and again
 * whenever the settings change what is watched (profile switch, endpoint edit, network rule).
 * Unrelated settings changes leave the running probes (and their back-off) alone.
 */
export function followProfileRemotes(o: FollowProfileRemotesOptions): () => void {
  let current = ''
  const update = (s: Settings): void => {
    const targets = activeProfileRemotes(s)
    const offline = s.profiles[s.profile]?.network === 'loopback-only'
    const key = JSON.stringify([offline, targets])
    if (key === current) return
    current = key
    o.apply(targets.map((t) => probeFor(t, offline, o)))
  }
  update(o.settings.settings)
  return o.settings.onChange((c) => update(c.settings))
}

function probeFor(t: RemoteTarget, offline: boolean, o: FollowProfileRemotesOptions): Probe {
  const host = new URL(t.url).hostname
  // The HTTP layer refuses non-loopback addresses under the offline profile before any socket
  // exists, but a host NAME would still be resolved first; like the router, do not ask DNS.
  const refusal = offline && isIP(host.replace(/^\[|\]$/g, '')) === 0 ? offlineRefusal(t.url) : undefined
  const fetchFn: typeof fetch = refusal
    ? () => Promise.reject(new HearthError('forbidden', refusal, { reason: 'policy', host }))
    : o.fetch
  const headers = (): Record<string, string> | undefined => {
    const t2 = o.tokens?.lookup(t.endpointId, t.url)
    return t2?.status === 'ok' ? { authorization: `Bearer ${t2.token}` } : undefined
  }
  const opts: RemoteProbeOptions = { url: t.url, fetch: fetchFn, headers, ...o.probe }
  return t.kind === 'triton' ? tritonMetricsProbe(opts) : ollamaPsProbe(opts)
}
