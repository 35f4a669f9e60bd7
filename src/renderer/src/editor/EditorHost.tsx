import { useEffect, useRef } from 'react'
import type { editor as MonacoEditor } from 'monaco-editor'
import type { HearthApi } from '@shared/contract'
import type { DocView } from '../documents/docView'
import { followOsTheme } from '../monaco/followOsTheme'
import { modelUri } from '../monaco/monacoBuffers'
import type { Monaco } from '../monaco/monacoSetup'
import type { ObservableValue } from '../util/observableValue'
import { editorContributions } from '../workbench/contributions'
import type { CursorInfo } from './cursorInfo'

interface Props {
  monaco: Monaco
  api: HearthApi
  /** The active document when it is ready to edit; otherwise the editor shows nothing. */
  doc: DocView | undefined
  hidden: boolean
  cursor: ObservableValue<CursorInfo | undefined>
}

/**
 * The one code editor. Tabs swap Monaco models in and out of it, keeping each file's view state
 * (cursor, scroll, folding) as VS Code does, instead of creating an editor per tab.
 */
export function EditorHost({ monaco, api, doc, hidden, cursor }: Props) {
  const el = useRef<HTMLDivElement>(null)
  const editorRef = useRef<MonacoEditor.IStandaloneCodeEditor | null>(null)
  const viewStates = useRef(new Map<string, MonacoEditor.ICodeEditorViewState | null>())
  const shownPath = useRef<string | undefined>(undefined)

  useEffect(() => {
    const host = el.current
    if (!host) return
    const ed = monaco.editor.create(host, {
      model: null,
      automaticLayout: true,
      fontSize: 13,
      minimap: { enabled: true },
      renderWhitespace: 'selection',
      fixedOverflowWidgets: true,
    })
    editorRef.current = ed
    const stopTheme = followOsTheme(monaco)
    const publish = (): void => {
      const pos = ed.getPosition()
      const model = ed.getModel()
      const sel = ed.getSelection()
      cursor.set(
        pos && model
          ? { line: pos.lineNumber, column: pos.column, selected: sel ? model.getValueLengthInRange(sel) : 0 }
          : undefined,
      )
    }
    const subs = [ed.onDidChangeCursorSelection(publish), ed.onDidChangeModel(publish)]
    for (const contribute of editorContributions) {
      try {
        const d = contribute(monaco, ed, api)
        if (d) subs.push(d)
      } catch (err) {
        // One broken contribution must not take the editor down with it.
        console.error('editor contribution failed', err)
      }
    }
    return () => {
      for (const s of subs) s.dispose()
      stopTheme()
      ed.dispose()
      editorRef.current = null
      cursor.set(undefined)
    }
  }, [monaco, api, cursor])

  const path = doc?.path
  const ready = doc?.status === 'ready'
  useEffect(() => {
    const ed = editorRef.current
    if (!ed) return
    const model = path && ready ? monaco.editor.getModel(modelUri(monaco, path)) : null
    if (ed.getModel() === model) return
    if (shownPath.current && ed.getModel()) viewStates.current.set(shownPath.current, ed.saveViewState())
    ed.setModel(model)
    shownPath.current = model ? path : undefined
    if (!model || !path) return
    const state = viewStates.current.get(path)
    if (state) ed.restoreViewState(state)
    // Keep focus in the explorer while the user walks the tree with the keyboard, and in the
    // terminal when a file finishes loading (a restored tab) while the user types there.
    if (!document.activeElement?.closest('.tree, .bottom-panel')) ed.focus()
  }, [monaco, path, ready])

  const readOnly = doc?.readOnly ?? false
  const readOnlyReason = doc?.readOnlyReason
  useEffect(() => {
    editorRef.current?.updateOptions({
      readOnly,
      readOnlyMessage: { value: readOnlyReason ?? 'This file is read-only.' },
    })
  }, [readOnly, readOnlyReason])

  const reveal = doc?.reveal
  useEffect(() => {
    const ed = editorRef.current
    if (!reveal || !ready || !ed?.getModel()) return
    ed.setPosition({ lineNumber: reveal.line, column: reveal.column })
    ed.revealPositionInCenterIfOutsideViewport({ lineNumber: reveal.line, column: reveal.column })
    ed.focus()
  }, [reveal, ready])

  return <div className="editor-host" data-testid="editor" ref={el} hidden={hidden} />
}
