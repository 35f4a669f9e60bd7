import type { sessionMethods } from '@shared/contract/session'
import type { HandlersFor } from '../rpc/handlers'
import type { SessionStore } from './sessionStore'

/** The session slice of the handler table: the open folder's session and the user's state. */
export function sessionHandlers(
  store: SessionStore,
  currentRoot: () => string | null,
  recentFolders: () => Promise<string[]>,
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
      // The folder open now, or one opened before (a window's last save as another folder opens);
      // never a path the user did not open.
      if (root !== currentRoot() && !(await recentFolders()).includes(root)) return { saved: false }
      await store.saveWorkspace(root, workspace)
      return { saved: true }
    },
  }
}
