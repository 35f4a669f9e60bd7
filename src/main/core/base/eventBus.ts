import type { EventName, PayloadOf } from '@shared/contract'
import { events } from '@shared/contract'

type Listener = (event: EventName, payload: unknown) => void

/** Core → renderer events. Payloads are validated on emit so a bug shows up here, not in the UI. */
export class EventBus {
  private readonly listeners = new Set<Listener>()

  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void {
    const parsed = events[event].payload.safeParse(payload)
    if (!parsed.success) throw new Error(`event ${event}: invalid payload: ${parsed.error.message}`)
    for (const l of this.listeners) l(event, parsed.data)
  }

  /** Every event, for transports that forward them all. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
