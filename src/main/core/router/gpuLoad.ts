import type { ResourceSnapshot } from '@shared/contract/resources'
import { isLoopbackAddress } from '../net/connectionPolicy'
import type { EndpointRef } from './modelRouter'

const busiest = (values: (number | null)[]): number | undefined => {
  const v = values.filter((x): x is number => x !== null)
  return v.length ? Math.max(...v) : undefined
}

/**
 * GPU load behind an endpoint, from the resource monitor's latest snapshot: a Triton endpoint
 * reads the GPUs the watched Triton's /metrics reported (same host), a local one (loopback Ollama, the
 * embedded engine) this machine's GPUs. Unknown → undefined (the balancer then ignores GPU load).
 */
export function gpuLoadFrom(
  snapshot: () => ResourceSnapshot | undefined,
): (e: EndpointRef) => number | undefined {
  return (e) => {
    const s = snapshot()
    if (!s) return undefined
    let host: string | undefined
    try {
      host = e.url ? new URL(e.url).hostname : undefined
    } catch {
      host = undefined
    }
    const local =
      e.kind === 'embedded' || host === 'localhost' || (host !== undefined && isLoopbackAddress(host))
    if (local) return busiest(s.gpus.filter((g) => g.source === 'local').map((g) => g.utilizationPercent))
    // The monitor merges Triton's GPUs into snapshot.gpus (source 'triton'); it watches one DGX,
    // so they belong to a remote endpoint on the same host as the watched Triton.
    const watched = s.remotes.some((r) => {
      try {
        return r.kind === 'triton' && new URL(r.url).hostname === host
      } catch {
        return false
      }
    })
    return watched
      ? busiest(s.gpus.filter((g) => g.source === 'triton').map((g) => g.utilizationPercent))
      : undefined
  }
}
