import { useEffect, useRef, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { editor as MonacoEditor } from 'monaco-editor'
import { languageForPath } from '../monaco/languageForPath'
import { useMonaco } from '../monaco/useMonaco'
import { useObservable } from '../util/useObservable'
import { diffRequest, gitStatus, type DiffRequest } from './gitState'
import type { LineChange } from './hunkText'
import { ScmHunkBar } from './ScmHunkBar'

interface Props {
  api: HearthApi
  /** The editor's active tab: choosing another one closes the diff. */
  activePath: string | undefined
  openFile: (path: string) => void
}

type Sides =
  | { kind: 'loading' }
  | { kind: 'text'; original: string; modified: string; labels: string }
  | { kind: 'message'; text: string }

/** The working-tree side is the file as saved, read through the workspace (its guard, its limits). */
async function loadSides(api: HearthApi, req: DiffRequest): Promise<Sides> {
  const d = await api.call('git.diff', req)
  if (d.unavailable) return { kind: 'message', text: d.unavailable }
  let modified = d.modified
  if (modified === undefined) {
    try {
      const file = await api.call('file.read', { path: req.path })
      // The workspace hands text with \n line ends; a staged hunk starts from the file's own (and
      // hunkText gives its lines the index's ends where the index has LF, as `git add` would).
      modified = file.eol === '\r\n' ? file.text.replace(/\n/g, '\r\n') : file.text
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code !== 'not_found') return { kind: 'message', text: `${req.path}: ${(err as Error).message}` }
      modified = '' // deleted in the working tree
    }
  }
  return { kind: 'text', original: d.original, modified, labels: `${d.originalLabel} ↔ ${d.modifiedLabel}` }
}

/**
 * A changed file's diff in Monaco's diff editor, in the editor's place: the left side (HEAD or
 * the index) and the right side (the index, or the file) are read-only; "Open File" edits it.
 * Read again whenever the repository's status changes while it is shown.
 */
export function ScmDiffView({ api, activePath, openFile }: Props) {
  const req = useObservable(diffRequest)
  const status = useObservable(gitStatus)
  const { monaco } = useMonaco()
  const [loaded, setLoaded] = useState<{ for: DiffRequest; sides: Sides } | undefined>()
  // Texts of an earlier request are never shown for this one.
  const sides: Sides = loaded && loaded.for === req ? loaded.sides : { kind: 'loading' }
  const host = useRef<HTMLDivElement>(null)
  const diff = useRef<MonacoEditor.IStandaloneDiffEditor | null>(null)
  const [changes, setChanges] = useState<LineChange[]>([])
  const [cursorLine, setCursorLine] = useState(1)

  // Another tab chosen: the diff steps aside (the tab the user picked is what they want to see).
  const openedWith = useRef(activePath)
  const activeRef = useRef(activePath)
  activeRef.current = activePath
  useEffect(() => {
    // Only a change of tab closes it, not the request itself.
    if (req) openedWith.current = activeRef.current
  }, [req])
  useEffect(() => {
    if (diffRequest.get() && activePath !== openedWith.current) diffRequest.set(undefined)
  }, [activePath])

  useEffect(() => {
    if (!req) return
    let live = true
    loadSides(api, req).then(
      (s) => live && setLoaded({ for: req, sides: s }),
      (err: unknown) =>
        live && setLoaded({ for: req, sides: { kind: 'message', text: (err as Error).message } }),
    )
    return () => {
      live = false
    }
  }, [api, req, status])

  useEffect(() => {
    const el = host.current
    if (!monaco || !el || !req) return
    const editor = monaco.editor.createDiffEditor(el, {
      automaticLayout: true,
      readOnly: true,
      originalEditable: false,
      renderSideBySide: true,
      fontSize: 13,
    })
    diff.current = editor
    setChanges([])
    const offDiff = editor.onDidUpdateDiff(() => setChanges(editor.getLineChanges() ?? []))
    const offCursor = editor
      .getModifiedEditor()
      .onDidChangeCursorPosition((e) => setCursorLine(e.position.lineNumber))
    return () => {
      offDiff.dispose()
      offCursor.dispose()
      const model = editor.getModel()
      editor.dispose()
      model?.original.dispose()
      model?.modified.dispose()
      diff.current = null
    }
  }, [monaco, req])

  useEffect(() => {
    const editor = diff.current
    const sides = loaded && loaded.for === req ? loaded.sides : undefined
    if (!monaco || !editor || !req || sides?.kind !== 'text') return
    const language = languageForPath(req.path, monaco.languages.getLanguages())
    const old = editor.getModel()
    editor.setModel({
      original: monaco.editor.createModel(sides.original, language),
      modified: monaco.editor.createModel(sides.modified, language),
    })
    old?.original.dispose()
    old?.modified.dispose()
  }, [monaco, req, loaded])

  if (!req) return null
  return (
    <div className="scm-diff" data-testid="scm-diff" data-path={req.path} data-staged={req.staged}>
      <div className="scm-diff-header">
        <span className="scm-diff-title" title={req.path}>
          {req.path.split('/').pop()}
          <span className="muted"> {sides.kind === 'text' ? `(${sides.labels})` : ''}</span>
        </span>
        <button
          data-testid="scm-diff-open"
          onClick={() => {
            diffRequest.set(undefined)
            openFile(req.path)
          }}
        >
          Open File
        </button>
        <button
          className="icon-button"
          title="Close"
          data-testid="scm-diff-close"
          onClick={() => diffRequest.set(undefined)}
        >
          ✕
        </button>
      </div>
      {sides.kind === 'text' && (
        <ScmHunkBar
          api={api}
          req={req}
          original={sides.original}
          modified={sides.modified}
          changes={changes}
          cursorLine={cursorLine}
          goTo={(where) => diff.current?.goToDiff(where)}
        />
      )}
      {sides.kind === 'message' && <div className="scm-note">{sides.text}</div>}
      {sides.kind === 'loading' && <div className="scm-note">Reading both sides…</div>}
      <div
        className="scm-diff-editor"
        ref={host}
        hidden={sides.kind !== 'text'}
        data-testid="scm-diff-editor"
      />
    </div>
  )
}
