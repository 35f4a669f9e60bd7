import type { MethodName, ParsedArgsOf, ResultOf } from '@shared/contract'

export interface CallContext {
  /** Aborted when the caller cancels (renderer → main → HTTP/engine) or the connection closes. */
  signal: AbortSignal
  /** `socket`: the index socket `hearth search` asks (index/cliSocket). */
  transport: 'ipc' | 'ws' | 'local' | 'socket'
}

export type Handler<M extends MethodName> = (
  args: ParsedArgsOf<M>,
  ctx: CallContext,
) => Promise<ResultOf<M>> | ResultOf<M>

/** The handler table: the compiler insists on one handler per contract method. */
export type Handlers = { [M in MethodName]: Handler<M> }

/** A domain's slice of the table, e.g. `HandlersFor<keyof typeof workspaceMethods>`. */
export type HandlersFor<K extends MethodName> = { [M in K]: Handler<M> }

/**
 * Runs around one method's handler after its arguments are validated: observes the call, may
 * act before or after `next()`, and returns what `next()` returns (the result is validated
 * after it). The core uses this to watch the user's activity without patching the table.
 */
export type Middleware<M extends MethodName> = (
  args: ParsedArgsOf<M>,
  ctx: CallContext,
  next: () => Promise<ResultOf<M>>,
) => Promise<ResultOf<M>>

/** Middleware by method name. */
export type MiddlewareTable = { [M in MethodName]?: Middleware<M> }
