import type { editor as MonacoEditor, IDisposable } from 'monaco-editor'
import type { Monaco } from '../monaco/monacoSetup'

let current: MonacoEditor.IStandaloneCodeEditor | undefined

/** The code editor commands act on (there is one; undefined until Monaco has loaded). */
export function activeEditor(): MonacoEditor.IStandaloneCodeEditor | undefined {
  return current
}

/** Editor contribution: records the editor for commands (CommandContext.editor). */
export function trackEditor(_monaco: Monaco, editor: MonacoEditor.IStandaloneCodeEditor): IDisposable {
  current = editor
  const focus = editor.onDidFocusEditorWidget(() => (current = editor))
  return {
    dispose: () => {
      focus.dispose()
      if (current === editor) current = undefined
    },
  }
}
