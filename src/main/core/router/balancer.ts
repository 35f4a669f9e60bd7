import type { Balancing } from '@shared/settings/schema'

/** What the balancer needs to know about one healthy candidate endpoint. */
export interface Candidate {
  id: string
  inFlight: number
  /** Recent median latency (ms); null when never measured. */
  latencyMs: number | null
  /** GPU utilisation 0–100 behind this endpoint; undefined when unknown. */
  gpuLoad: number | undefined
  /** The endpoint's last check found it slow. */
  slow: boolean
}

export interface BalancerOptions {
  /** GPU utilisation (%) from which an endpoint is avoided if another is available. */
  gpuBusyPercent: number
}

/**
 * Picks one of several healthy endpoints serving the same model.
 * - round-robin: in turn (`turn` is the caller's per-tier counter).
 * - least-connections: fewest requests in flight; ties in turn.
 * - resource (default): expected wait = recent median latency × (1 + requests in flight),
 *   scaled up by GPU load and heavily past `gpuBusyPercent`; slow endpoints rank lower.
 *   An endpoint never measured is given the best known latency so it gets tried (exploration).
 */
export function pickEndpoint(
  candidates: readonly Candidate[],
  strategy: Balancing,
  turn: number,
  opts: BalancerOptions,
): Candidate | undefined {
  if (candidates.length <= 1) return candidates[0]
  const start = ((turn % candidates.length) + candidates.length) % candidates.length
  const rotated = [...candidates.slice(start), ...candidates.slice(0, start)]
  if (strategy === 'round-robin') return rotated[0]
  if (strategy === 'least-connections') return minBy(rotated, (c) => c.inFlight)
  const known = candidates.map((c) => c.latencyMs).filter((v): v is number => v !== null)
  const explore = known.length > 0 ? Math.min(...known) : 1
  return minBy(rotated, (c) => {
    const latency = Math.max(c.latencyMs ?? explore, 0.1)
    const load = c.gpuLoad ?? 0
    const gpu = 1 + load / 100 + (load >= opts.gpuBusyPercent ? 4 : 0)
    return latency * (1 + c.inFlight) * gpu * (c.slow ? 2 : 1)
  })
}

function minBy<T>(items: readonly T[], score: (t: T) => number): T | undefined {
  let best: T | undefined
  let bestScore = Infinity
  for (const it of items) {
    const s = score(it)
    if (s < bestScore) {
      best = it
      bestScore = s
    }
  }
  return best
}
