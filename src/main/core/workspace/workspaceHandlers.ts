import type { workspaceMethods } from '@shared/contract/workspace'
import type { HandlersFor } from '../rpc/handlers'
import type { WorkspaceService } from './workspaceService'

/** The workspace slice of the handler table: thin, all logic lives in the service. */
export function workspaceHandlers(svc: WorkspaceService): HandlersFor<keyof typeof workspaceMethods> {
  return {
    'workspace.info': () => svc.info(),
    'workspace.open': ({ root }) => svc.open(root),
    'workspace.recent': () => svc.recent(),
    'workspace.list': ({ dir, includeIgnored }) =>
      svc.list(dir, includeIgnored === undefined ? {} : { includeIgnored }),
    'workspace.files': ({ limit }, ctx) => svc.files(limit, ctx.signal),
    'file.read': ({ path }) => svc.read(path),
    'file.write': (args) => svc.write(args),
    'file.create': ({ path, kind }) => svc.create(path, kind),
    'file.rename': ({ from, to }) => svc.rename(from, to),
    'file.delete': ({ path, permanent }) => svc.remove(path, permanent),
  }
}
