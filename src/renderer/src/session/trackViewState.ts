import type { editor as MonacoEditor, IDisposable } from 'monaco-editor'
import type { Monaco } from '../monaco/monacoSetup'
import { currentSession } from './sessionKeeper'

const pathOf = (model: MonacoEditor.ITextModel | null): string | undefined =>
  model && model.uri.scheme === 'hearth' ? model.uri.path.replace(/^\//, '') : undefined

/**
 * Editor contribution: each file's view state (cursor, selections, scroll, folding) goes into the
 * session as it changes, and the last session's comes back the first time the file shows.
 */
export function trackViewState(_monaco: Monaco, editor: MonacoEditor.IStandaloneCodeEditor): IDisposable {
  let timer: ReturnType<typeof setTimeout> | undefined
  const record = (): void => {
    if (timer) return
    timer = setTimeout(() => {
      timer = undefined
      const path = pathOf(editor.getModel())
      const vs = editor.saveViewState()
      if (path && vs) currentSession()?.setViewState(path, vs)
    }, 150)
  }
  const subs = [
    editor.onDidChangeCursorSelection(record),
    editor.onDidScrollChange(record),
    editor.onDidChangeModel(() => {
      const path = pathOf(editor.getModel())
      const saved = path ? currentSession()?.takeRestore(path) : undefined
      if (saved) editor.restoreViewState(saved as MonacoEditor.ICodeEditorViewState)
    }),
  ]
  return {
    dispose: () => {
      clearTimeout(timer)
      for (const s of subs) s.dispose()
    },
  }
}
