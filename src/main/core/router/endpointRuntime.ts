import type { BackendState } from '@shared/contract/settings'
import type { EndpointConfig, HealthSettings } from '@shared/settings/schema'
import { CircuitBreaker } from '../health/circuitBreaker'
import { LatencyWindow } from './latencyWindow'

/** What the router knows about one endpoint right now. Mutated only by ModelRouter. */
export class EndpointRuntime {
  readonly breaker: CircuitBreaker
  state: BackendState = 'unknown'
  message = 'not checked yet'
  fix: string | undefined
  checkedAt: number | null = null
  inFlight = 0
  /** Models this endpoint lacks (from a check's list or a request's 404); other models still route here. */
  readonly missing = new Set<string>()
  readonly latency = new LatencyWindow(32)
  /** A check in progress, so two callers share it. */
  checking: Promise<void> | undefined
  /** Bumped when the config or token changes, so a check started before it is discarded. */
  generation = 0

  constructor(
    readonly id: string,
    public config: EndpointConfig,
    health: HealthSettings,
    now: () => number,
  ) {
    this.breaker = new CircuitBreaker({
      failureThreshold: health.failureThreshold,
      openMs: health.openMs,
      maxOpenMs: health.maxOpenMs,
      now,
    })
  }

  /** Forget everything learnt about the old server (its URL or token changed). */
  reset(): void {
    this.state = 'unknown'
    this.message = 'not checked yet'
    this.fix = undefined
    this.checkedAt = null
    this.missing.clear()
    this.latency.clear()
    this.breaker.onSuccess()
    this.generation++
  }
}
