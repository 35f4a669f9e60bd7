import type { ArgsOf, CallOptions, EventName, HearthApi, MethodName, PayloadOf, ResultOf } from '../contract'
import type { EventSpec, MethodSpec } from '../contract/define'
import { HearthError, fromWireError } from '../errors'
import type { ClientMessage, ServerMessage } from './wire'

/** A duplex message pipe: the only thing a transport has to provide. */
export interface Wire {
  send(msg: ClientMessage): void
  /** Registers the single receiver; returns an unsubscribe. */
  onMessage(receive: (msg: ServerMessage) => void): () => void
}

interface Pending {
  resolve(v: unknown): void
  reject(e: unknown): void
  method: MethodName
  cleanup(): void
}

/**
 * The part of the contract one client speaks. A client given only some domains (the CLI's index
 * socket needs search alone) builds only their schemas: constructing every domain's zod schemas is
 * a large part of a short-lived process's start.
 */
export interface ContractTable {
  readonly methods: Readonly<Partial<Record<MethodName, MethodSpec>>>
  readonly events: Readonly<Partial<Record<EventName, EventSpec>>>
}

/**
 * Contract client over any Wire, for the methods and events of its table (a method outside it is
 * refused as unknown). Arguments are validated before they leave (a clear error at
 * the call site) and results after they arrive (a broken peer cannot hand the UI bad data).
 * Cancellation: aborting the signal rejects at once and tells the other side to abort.
 */
export class TableClient implements HearthApi {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>()
  private readonly unsubscribe: () => void

  constructor(
    private readonly wire: Wire,
    private readonly table: ContractTable,
  ) {
    this.unsubscribe = wire.onMessage((m) => this.receive(m))
  }

  call<M extends MethodName>(method: M, args: ArgsOf<M>, opts: CallOptions = {}): Promise<ResultOf<M>> {
    const spec = Object.hasOwn(this.table.methods, method) ? this.table.methods[method] : undefined
    if (!spec) return Promise.reject(new HearthError('unknown_method', `unknown method ${String(method)}`))
    const parsed = spec.args.safeParse(args)
    if (!parsed.success) {
      return Promise.reject(new HearthError('invalid_argument', `${method}: ${parsed.error.message}`))
    }
    const { signal } = opts
    if (signal?.aborted) return Promise.reject(new HearthError('cancelled', `${method} cancelled`))
    const id = this.nextId++
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const onAbort = (): void => {
        const p = this.pending.get(id)
        if (!p) return
        this.pending.delete(id)
        p.cleanup()
        this.wire.send({ t: 'cancel', id })
        reject(new HearthError('cancelled', `${method} cancelled`))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.pending.set(id, {
        method,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      })
      try {
        this.wire.send({ t: 'call', id, method, args })
      } catch (err) {
        this.pending.delete(id)
        signal?.removeEventListener('abort', onAbort)
        reject(new HearthError('unavailable', `transport closed: ${(err as Error).message}`))
      }
    })
  }

  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    const l = listener as (p: unknown) => void
    set.add(l)
    return () => set.delete(l)
  }

  /** Rejects everything in flight (the transport went away). */
  failAll(reason: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id)
      p.cleanup()
      p.reject(new HearthError('unavailable', reason))
    }
  }

  dispose(): void {
    this.failAll('client disposed')
    this.unsubscribe()
    this.listeners.clear()
  }

  private receive(m: ServerMessage): void {
    if (m.t === 'event') {
      const spec = Object.hasOwn(this.table.events, m.event)
        ? this.table.events[m.event as EventName]
        : undefined
      if (!spec) return
      const parsed = spec.payload.safeParse(m.payload)
      if (!parsed.success) return
      for (const l of this.listeners.get(m.event) ?? []) l(parsed.data)
      return
    }
    const p = this.pending.get(m.id)
    if (!p) return // cancelled or duplicate: a stale answer is dropped, never shown
    this.pending.delete(m.id)
    p.cleanup()
    if (m.t === 'err') {
      p.reject(fromWireError(m.error))
      return
    }
    // Only a method of the table is ever pending (call refuses the others).
    const parsed = (this.table.methods[p.method] as MethodSpec).result.safeParse(m.value)
    if (parsed.success) p.resolve(parsed.data)
    else
      p.reject(
        new HearthError('invalid_result', `${p.method}: bad result from core: ${parsed.error.message}`),
      )
  }
}
