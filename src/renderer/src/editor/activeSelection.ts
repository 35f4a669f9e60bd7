import type { editor as MonacoEditor, IDisposable } from 'monaco-editor'
import type { Monaco } from '../monaco/monacoSetup'

/** The editor's current file and selection, as a chat question's context. */
export interface EditorSelection {
  path: string
  startLine: number
  endLine: number
  /** Empty when nothing is selected. */
  text: string
}

let current: (() => EditorSelection | undefined) | undefined

/** What is selected in the focused (or last focused) editor now, if a file is open. */
export function activeSelection(): EditorSelection | undefined {
  return current?.()
}

/** Editor contribution: makes this editor the one `activeSelection()` reads once it has focus. */
export function trackSelection(_monaco: Monaco, editor: MonacoEditor.IStandaloneCodeEditor): IDisposable {
  const read = (): EditorSelection | undefined => {
    const model = editor.getModel()
    const sel = editor.getSelection()
    if (!model || !sel || model.uri.scheme !== 'hearth') return undefined
    return {
      path: model.uri.path.replace(/^\//, ''),
      startLine: sel.startLineNumber,
      // A selection that ends at column 1 ends on the line before (as VS Code counts it).
      endLine:
        sel.endColumn === 1 && sel.endLineNumber > sel.startLineNumber
          ? sel.endLineNumber - 1
          : sel.endLineNumber,
      text: model.getValueInRange(sel),
    }
  }
  current = read
  const focus = editor.onDidFocusEditorText(() => (current = read))
  return {
    dispose: () => {
      focus.dispose()
      if (current === read) current = undefined
    },
  }
}
