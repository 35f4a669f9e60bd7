import { useCallback, useRef, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { TreeEntry } from '@shared/contract/workspace'
import { copyText } from './clipboard'
import { blockedByUnsaved, unsavedUnder } from './unsavedDocs'
import { absolutePath, baseName, dropTarget, joinPath, nameProblem, parentOf } from './entryNames'

/** The inline name input: a new entry in `dir`, or a rename of `path`. */
export type EditState =
  | { mode: 'new'; dir: string; kind: 'file' | 'dir'; value: string; error?: string; busy?: boolean }
  | { mode: 'rename'; path: string; value: string; error?: string; busy?: boolean }

export type ConfirmState =
  | { step: 'trash'; path: string; kind: TreeEntry['kind']; unsaved: string[] }
  | { step: 'permanent'; path: string; kind: TreeEntry['kind']; unsaved: string[]; reason?: string }

export interface Notice {
  kind: 'info' | 'error'
  text: string
  /** Shown as a button (e.g. Undo after a move). */
  action?: { label: string; run: () => void }
}

/** What the edits need from the tree that shows them. */
export interface TreeAccess {
  api: HearthApi
  /** Absolute workspace root, as the core reports it (for Copy Path). */
  root: () => string
  /** Names in a listed folder, or undefined when it is not listed yet. */
  siblings: (dir: string) => string[] | undefined
  kindOf: (path: string) => TreeEntry['kind'] | undefined
  /** Expands a folder (listing it if needed). */
  expand: (dir: string) => void
  select: (path: string | undefined) => void
  focusTree: () => void
  openFile: (path: string) => void
  /** A folder was renamed or moved: carry its expanded state over. */
  moved: (from: string, to: string) => void
  /** The path to select after `path` is deleted. */
  nextAfter: (path: string) => string | undefined
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/**
 * The explorer's file operations and the UI state around them: the inline name input, the delete
 * confirmations and the one-line notice under the tree. Every change goes to the core
 * (`file.create`, `file.rename`, `file.delete`), which checks it again; the tree refreshes from
 * the core's `workspace.treeChanged`, and open editors follow its `workspace.moved` / `deleted`.
 */
export function useExplorerEdits(tree: TreeAccess) {
  const [edit, setEditState] = useState<EditState | undefined>()
  // The latest edit, synchronously: the box's blur fires while it unmounts after Escape or Enter,
  // and must see that the edit already ended (the render's copy would still hold it).
  const editRef = useRef<EditState | undefined>(undefined)
  const setEdit = useCallback((next: EditState | undefined) => {
    editRef.current = next
    setEditState(next)
  }, [])
  const [confirm, setConfirm] = useState<ConfirmState | undefined>()
  const [notice, setNoticeState] = useState<Notice | undefined>()
  const t = useRef(tree)
  t.current = tree
  const noticeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  const setNotice = useCallback((n: Notice | undefined) => {
    clearTimeout(noticeTimer.current)
    setNoticeState(n)
    // Information fades; an error stays until the next action or a click on it.
    if (n && n.kind === 'info') noticeTimer.current = setTimeout(() => setNoticeState(undefined), 6000)
  }, [])

  const startNew = useCallback(
    (kind: 'file' | 'dir', dir: string) => {
      setNotice(undefined)
      if (dir !== '') t.current.expand(dir)
      setEdit({ mode: 'new', dir, kind, value: '' })
    },
    [setNotice, setEdit],
  )

  const startRename = useCallback(
    (path: string) => {
      setNotice(undefined)
      t.current.select(path)
      setEdit({ mode: 'rename', path, value: baseName(path) })
    },
    [setNotice, setEdit],
  )

  /** The problem with the typed name, checked against the target folder's listing. */
  const problemOf = (e: EditState): string | undefined => {
    const dir = e.mode === 'new' ? e.dir : parentOf(e.path)
    const siblings = t.current.siblings(dir) ?? []
    return nameProblem({
      name: e.value,
      siblings,
      ...(e.mode === 'rename' ? { current: baseName(e.path) } : {}),
    })
  }

  const changeValue = (value: string): void => {
    const e = editRef.current
    if (!e || e.busy) return
    const next = { ...e, value, error: undefined }
    // Live, as VS Code does; an empty box says nothing until Enter.
    setEdit(value === '' ? next : { ...next, error: problemOf(next) })
  }

  const cancelEdit = useCallback(() => {
    setEdit(undefined)
    t.current.focusTree()
  }, [setEdit])

  const commitEdit = async (onBlur = false): Promise<void> => {
    const e = editRef.current
    if (!e || e.busy) return
    if (e.mode === 'rename' && e.value === baseName(e.path)) return cancelEdit()
    const problem = problemOf(e)
    if (problem) {
      // Leaving the box with a bad name drops the edit (nothing was changed); Enter explains.
      if (onBlur) return cancelEdit()
      setEdit({ ...e, error: problem })
      return
    }
    setEdit({ ...e, busy: true })
    try {
      if (e.mode === 'new') {
        const { path } = await t.current.api.call('file.create', {
          path: joinPath(e.dir, e.value),
          kind: e.kind,
        })
        setEdit(undefined)
        t.current.select(path)
        if (e.kind === 'file') t.current.openFile(path)
        else t.current.focusTree()
      } else {
        const to = joinPath(parentOf(e.path), e.value)
        const blocked = blockedByUnsaved(to)
        if (blocked) {
          if (onBlur) {
            setEdit(undefined)
            setNotice({ kind: 'error', text: blocked })
          } else setEdit({ ...e, error: blocked })
          return
        }
        await t.current.api.call('file.rename', { from: e.path, to })
        setEdit(undefined)
        t.current.moved(e.path, to)
        t.current.select(to)
        t.current.focusTree()
      }
    } catch (err) {
      // The input stays with what was typed, and says why.
      if (onBlur) {
        setEdit(undefined)
        setNotice({ kind: 'error', text: message(err) })
      } else setEdit({ ...e, busy: false, error: message(err) })
    }
  }

  const askDelete = useCallback(
    (path: string, permanent = false) => {
      if (path === '') return
      setNotice(undefined)
      const kind = t.current.kindOf(path) ?? 'file'
      const unsaved = unsavedUnder(path)
      setConfirm(
        permanent ? { step: 'permanent', path, kind, unsaved } : { step: 'trash', path, kind, unsaved },
      )
    },
    [setNotice],
  )

  const confirmDelete = async (): Promise<void> => {
    const c = confirm
    if (!c) return
    setConfirm(undefined)
    const next = t.current.nextAfter(c.path)
    try {
      const r = await t.current.api.call('file.delete', { path: c.path, permanent: c.step === 'permanent' })
      if (r.outcome === 'noTrash') {
        // Nothing was deleted: ask again, plainly, before anything irreversible.
        setConfirm({ ...c, step: 'permanent', ...(r.reason ? { reason: r.reason } : {}) })
        return
      }
      t.current.select(next)
      t.current.focusTree()
      setNotice({
        kind: 'info',
        text:
          r.outcome === 'trashed'
            ? `Moved ${baseName(c.path)} to the trash.`
            : `Deleted ${baseName(c.path)}.`,
      })
    } catch (err) {
      setNotice({ kind: 'error', text: `Could not delete ${baseName(c.path)}: ${message(err)}` })
    }
  }

  const cancelDelete = useCallback(() => {
    setConfirm(undefined)
    t.current.focusTree()
  }, [])

  const move = useCallback(
    async (from: string, dir: string) => {
      const siblings = t.current.siblings(dir) ?? []
      const target = dropTarget(from, dir, siblings)
      if (target.problem) {
        setNotice({ kind: 'error', text: target.problem })
        return
      }
      const to = target.to
      if (!to) return
      const blocked = blockedByUnsaved(to)
      if (blocked) {
        setNotice({ kind: 'error', text: `Did not move ${baseName(from)}: ${blocked}` })
        return
      }
      try {
        await t.current.api.call('file.rename', { from, to })
        t.current.moved(from, to)
        // Show where it went, as VS Code does.
        if (dir !== '') t.current.expand(dir)
        t.current.select(to)
        setNotice({
          kind: 'info',
          text: `Moved ${baseName(from)} to ${dir === '' ? 'the workspace folder' : dir}.`,
          action: {
            label: 'Undo',
            run: () => {
              const blockedUndo = blockedByUnsaved(from)
              if (blockedUndo) {
                setNotice({ kind: 'error', text: `Could not undo the move: ${blockedUndo}` })
                return
              }
              setNotice(undefined)
              t.current.api.call('file.rename', { from: to, to: from }).then(
                () => {
                  t.current.moved(to, from)
                  t.current.select(from)
                },
                (err: unknown) =>
                  setNotice({ kind: 'error', text: `Could not undo the move: ${message(err)}` }),
              )
            },
          },
        })
      } catch (err) {
        setNotice({ kind: 'error', text: `Could not move ${baseName(from)}: ${message(err)}` })
      }
    },
    [setNotice],
  )

  const copyPath = useCallback(
    async (path: string, relative: boolean) => {
      const text = relative ? path || '.' : absolutePath(t.current.root(), path)
      if (await copyText(text)) setNotice({ kind: 'info', text: `Copied ${text}` })
      else setNotice({ kind: 'error', text: `The clipboard is not available here. The path is: ${text}` })
    },
    [setNotice],
  )

  return {
    edit,
    confirm,
    notice,
    setNotice,
    startNew,
    startRename,
    changeValue,
    commitEdit,
    cancelEdit,
    askDelete,
    confirmDelete,
    cancelDelete,
    move,
    copyPath,
  }
}
