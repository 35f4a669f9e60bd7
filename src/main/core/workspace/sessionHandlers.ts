import type { sessionMethods } from '@shared/contract/session'
import type { HandlersFor } from '../rpc/handlers'
import type { SessionStore } from './sessionStore'

/** The session slice of the handler table: the open folder's session and the user's state. */
export function sessionHandlers(
  store: SessionStore,
  currentRoot: () => string | null,
): HandlersFor<keyof typeof sessionMethods> {
  return {
    'session.get': async () => {
      const root = currentRoot()
      const [workspace, user] = await Promise.all([
        root ? store.workspace(root) : Promise.resolve(null),
        store.user(),
      ])
      return { root, workspace, user }
    },
    'session.save': async ({ root, workspace, user }) => {
      if (user) await store.saveUser(user)
      if (!workspace) return { saved: true }
      // A window still saving for the folder it had open before a switch must not write there.
      if (root !== currentRoot()) return { saved: false }
      await store.saveWorkspace(root, workspace)
      return { saved: true }
    },
  }
}
