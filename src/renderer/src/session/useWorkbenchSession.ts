import { useEffect, useRef, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { SessionLayout } from '@shared/contract/session'
import type { EditorStore } from '../documents/editorStore'
import { SessionKeeper, setCurrentSession } from './sessionKeeper'
import { bindUserState } from './userState'

interface Options {
  api: HearthApi
  root: string
  store: EditorStore
  layout: SessionLayout
  /** Puts the saved layout back (sidebar, its width, the panel under the editor). */
  applyLayout: (layout: Partial<SessionLayout>) => void
}

/**
 * The folder's session for one workbench: loads it (tabs, active tab, layout; view states go to
 * the editor as files show), then records every change. Returns the session keeper (quick open
 * reads the recent files from it).
 */
export function useWorkbenchSession({ api, root, store, layout, applyLayout }: Options): SessionKeeper {
  const [keeper] = useState(
    () =>
      new SessionKeeper((workspace) => {
        void api.call('session.save', { root, workspace }).catch(() => undefined)
      }),
  )
  const applyRef = useRef(applyLayout)
  applyRef.current = applyLayout

  useEffect(() => {
    setCurrentSession(keeper)
    let live = true
    let unbindUser: (() => void) | undefined
    let stopWatching: (() => void) | undefined
    // Reopening the saved tabs activates each in turn: that is not the user opening them.
    let restoring = false
    api.call('session.get', {}).then(
      (res) => {
        if (!live) return
        unbindUser = bindUserState(api, root, res.user)
        const saved = res.root === root ? res.workspace : null
        keeper.load(saved)
        if (saved) {
          applyRef.current(saved.layout)
          restoring = true
          stopWatching = restoreTabs(store, saved.tabs, saved.active)
          restoring = false
        }
        const snap = store.snapshot.get()
        keeper.setTabs(
          snap.docs.map((d) => d.path),
          snap.active,
        )
      },
      () => {
        // No session (an older core, a failed read): start empty, and still record from now on.
        if (live) keeper.load(null)
      },
    )
    const offSnapshot = store.snapshot.subscribe(() => {
      const snap = store.snapshot.get()
      if (!keeper.isLoaded()) return
      keeper.setTabs(
        snap.docs.map((d) => d.path),
        snap.active,
        !restoring,
      )
    })
    const flush = (): void => keeper.flush()
    const onHidden = (): void => {
      if (document.visibilityState === 'hidden') flush()
    }
    window.addEventListener('pagehide', flush)
    document.addEventListener('visibilitychange', onHidden)
    return () => {
      live = false
      offSnapshot()
      stopWatching?.()
      unbindUser?.()
      window.removeEventListener('pagehide', flush)
      document.removeEventListener('visibilitychange', onHidden)
      keeper.dispose()
      setCurrentSession(undefined)
    }
  }, [api, root, store, keeper])

  const { sidebarVisible, sidebarPanel, sidebarWidth, panelVisible } = layout
  useEffect(() => {
    if (keeper.isLoaded())
      keeper.update({ layout: { sidebarVisible, sidebarPanel, sidebarWidth, panelVisible } })
  }, [keeper, sidebarVisible, sidebarPanel, sidebarWidth, panelVisible])

  return keeper
}

/**
 * Reopens the saved tabs in their order with the saved one active; a file that is gone (deleted,
 * renamed outside) closes again quietly instead of showing an error tab, as in VS Code.
 */
function restoreTabs(store: EditorStore, tabs: readonly string[], active: string | null): () => void {
  const already = new Set(store.snapshot.get().docs.map((d) => d.path))
  const restored = tabs.filter((t) => !already.has(t))
  const before = store.activePath
  for (const t of restored) store.open(t)
  const target = before ?? (active && tabs.includes(active) ? active : restored[restored.length - 1])
  if (target) store.activate(target)
  const pending = new Set(restored)
  const check = (): void => {
    for (const d of store.snapshot.get().docs) {
      if (!pending.has(d.path) || d.status === 'loading') continue
      pending.delete(d.path)
      if (d.status === 'refused' && d.error?.code === 'not_found') store.close(d.path)
    }
    if (pending.size === 0) off()
  }
  const off = store.snapshot.subscribe(check)
  check()
  return off
}
