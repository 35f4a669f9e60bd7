import type { literalSearchMethods } from '@shared/contract/literalSearch'
import type { EventBus } from '../../base/eventBus'
import type { HandlersFor } from '../../rpc/handlers'
import type { LiteralReplace } from './literalReplace'
import type { LiteralSearch } from './literalSearch'

/** The literal search slice of the handler table: thin, the services hold the logic. */
export function literalSearchHandlers(
  search: LiteralSearch,
  replace: LiteralReplace,
  events: EventBus,
): HandlersFor<keyof typeof literalSearchMethods> {
  return {
    'search.literal': ({ streamId, ...args }, ctx) =>
      search.search(
        args,
        streamId === undefined ? null : (files) => events.emit('search.literalFound', { streamId, files }),
        ctx.signal,
      ),
    'search.replacePreview': (args, ctx) => replace.preview(args, ctx.signal),
    'search.replaceApply': (args) => replace.apply(args),
    'search.replaceUndo': ({ undoId }) => replace.undo(undoId),
  }
}
