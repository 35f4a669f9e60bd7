import type { completionMethods } from '@shared/contract/completion'
import type { HandlersFor } from '../rpc/handlers'
import type { CompletionService } from './completionService'

/** The completion slice of the contract's handler table. */
export function completionHandlers(svc: CompletionService): HandlersFor<keyof typeof completionMethods> {
  return {
    // Not async on purpose: a cache hit is answered in the same turn.
    'completion.request': (args, ctx) => svc.request(args, ctx.signal),
    'completion.feedback': (args) => svc.feedback(args),
    'completion.status': () => svc.status(),
  }
}
