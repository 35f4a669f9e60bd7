import type { MethodName, ParsedArgsOf, ResultOf } from '@shared/contract'

export interface CallContext {
  /** Aborted when the caller cancels (renderer → main → HTTP/engine) or the connection closes. */
  signal: AbortSignal
  transport: 'ipc' | 'ws' | 'local'
}

export type Handler<M extends MethodName> = (
  args: ParsedArgsOf<M>,
  ctx: CallContext,
) => Promise<ResultOf<M>> | ResultOf<M>

/** The handler table: the compiler insists on one handler per contract method. */
export type Handlers = { [M in MethodName]: Handler<M> }

/** A domain's slice of the table, e.g. `HandlersFor<keyof typeof workspaceMethods>`. */
export type HandlersFor<K extends MethodName> = { [M in K]: Handler<M> }
