import type { BufferFactory, TextBuffer } from '../documents/textBuffer'
import { minimalEdit } from '../documents/minimalEdit'
import { languageForPath } from './languageForPath'
import type { Monaco } from './monacoSetup'

/** URIs of open files: `hearth:/<workspace-relative path>` (other contributions may look models up by it). */
export function modelUri(monaco: Monaco, path: string): ReturnType<Monaco['Uri']['from']> {
  return monaco.Uri.from({ scheme: 'hearth', path: '/' + path })
}

/** Open files as Monaco models: one per path, disposed when the tab closes. */
export function monacoBuffers(monaco: Monaco): BufferFactory {
  return {
    create(path: string, text: string): TextBuffer {
      const language = languageForPath(path, monaco.languages.getLanguages())
      const uri = modelUri(monaco, path)
      monaco.editor.getModel(uri)?.dispose()
      // Text arrives with \n line ends (the core keeps the file's EOL for saving).
      const model = monaco.editor.createModel(text, language, uri)
      model.setEOL(monaco.editor.EndOfLineSequence.LF)
      return {
        getText: () => model.getValue(monaco.editor.EndOfLinePreference.LF),
        applyText(next) {
          const edit = minimalEdit(model.getValue(monaco.editor.EndOfLinePreference.LF), next)
          if (!edit) return
          const start = model.getPositionAt(edit.start)
          const end = model.getPositionAt(edit.end)
          // An undoable edit (as VS Code does on reload): Ctrl+Z brings the previous text back.
          model.pushStackElement()
          model.pushEditOperations(
            [],
            [
              {
                range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column),
                text: edit.text,
              },
            ],
            () => null,
          )
          model.pushStackElement()
        },
        versionId: () => model.getAlternativeVersionId(),
        languageId: () => model.getLanguageId(),
        onDidChange(listener) {
          const d = model.onDidChangeContent(listener)
          return () => d.dispose()
        },
        dispose: () => model.dispose(),
      }
    },
  }
}
