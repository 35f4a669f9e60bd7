import { isMethodName, methods } from '@shared/contract'
import { HearthError } from '@shared/errors'
import type { CallContext, Handlers, MiddlewareTable } from './handlers'

/**
 * Validates arguments, runs the handler, validates the result. Both transports (Electron IPC,
 * WebSocket) and in-process callers go through here, so validation cannot be skipped.
 */
export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly middleware: MiddlewareTable = {},
  ) {}

  async dispatch(method: string, args: unknown, ctx: CallContext): Promise<unknown> {
    if (!isMethodName(method))
      throw new HearthError('unknown_method', `unknown method "${method.slice(0, 100)}"`)
    const spec = methods[method]
    const parsed = spec.args.safeParse(args ?? {})
    if (!parsed.success) {
      throw new HearthError(
        'invalid_argument',
        `${method}: ${parsed.error.issues.map(formatIssue).join('; ')}`,
      )
    }
    const handler = this.handlers[method] as (a: unknown, c: CallContext) => unknown
    const around = this.middleware[method] as
      ((a: unknown, c: CallContext, next: () => Promise<unknown>) => Promise<unknown>) | undefined
    // The handler starts in the same turn as the call arrives (a completion request aborts the
    // previous one synchronously, before any later message of the same batch is read).
    const run = (): Promise<unknown> => {
      try {
        return Promise.resolve(handler(parsed.data, ctx))
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)))
      }
    }
    const value = around ? await around(parsed.data, ctx, run) : await run()
    const checked = spec.result.safeParse(value)
    if (!checked.success) {
      throw new HearthError(
        'invalid_result',
        `${method}: handler returned an invalid result: ${checked.error.message}`,
      )
    }
    return checked.data
  }
}

function formatIssue(i: { path: PropertyKey[]; message: string }): string {
  return i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message
}
