import type { BackendState } from '@shared/contract/settings'
import { classifyFailure } from '../health/classifyFailure'
import type { EndpointRuntime } from './endpointRuntime'
import type { ModelStatsTable } from './modelStats'
import type { Selection, Ticket } from './selection'

export interface TicketDeps {
  rt: EndpointRuntime | undefined
  stats: ModelStatsTable
  setState: (rt: EndpointRuntime, state: BackendState, message: string, fix?: string) => void
  changed: () => void
  /** An open breaker wants its retry scheduled. */
  breakerOpened: () => void
  redact: (text: string) => string
}

/**
 * One request in flight against one endpoint: counts it in flight until it ends, then feeds its
 * outcome to the endpoint's latency, breaker and state, and to the per-model stats. Settles once.
 */
export function beginTicket(sel: Selection, d: TicketDeps): Ticket {
  const rt = d.rt
  const started = performance.now()
  let settled = false
  if (rt) rt.inFlight++
  const settle = (): boolean => {
    if (settled) return false
    settled = true
    if (rt) rt.inFlight--
    return true
  }
  return {
    success: (latencyMs) => {
      if (!settle()) return
      const ms = latencyMs ?? performance.now() - started
      d.stats.success(sel.endpointId, sel.model, ms)
      if (!rt) return
      rt.latency.add(ms)
      rt.breaker.onSuccess()
      if (rt.state !== 'ok' && rt.state !== 'slow' && rt.state !== 'model_missing') {
        d.setState(rt, 'ok', 'answered a request')
      }
      d.changed()
    },
    failure: (err) => {
      const c = classifyFailure(err)
      if (!settle()) return c
      if (c.state === 'ok') {
        // Cancelled by the user, or our own bad request: says nothing about the server.
        d.changed()
        return c
      }
      const msg = d.redact(c.message)
      d.stats.failure(sel.endpointId, sel.model, msg)
      if (!rt) return c
      if (c.breakerFailure) rt.breaker.onFailure()
      if (c.state === 'model_missing') {
        rt.missing.add(sel.model)
        const fix = c.fix ?? (rt.config.kind === 'ollama' ? `ollama pull ${sel.model}` : undefined)
        d.setState(rt, 'model_missing', msg, fix)
      } else d.setState(rt, c.state, msg, c.fix)
      d.changed()
      if (rt.breaker.state === 'open') d.breakerOpened()
      return c
    },
    end: () => {
      if (!settle()) return
      d.changed()
    },
  }
}
