import type { BufferFactory, TextBuffer } from '../documents/textBuffer'
import { minimalEdit } from '../documents/minimalEdit'
import { languageForPath } from './languageForPath'
import type { Monaco } from './monacoSetup'

/**
 * URIs of workspace files: `hearth://workspace/<workspace-relative path>` (other contributions may
 * look models up by it). The authority makes it a rooted URL to TypeScript, so its worker resolves
 * `./a` and `paths` between these files as between files on disk (language/tsProject.ts).
 */
export function modelUri(monaco: Monaco, path: string): ReturnType<Monaco['Uri']['from']> {
  return monaco.Uri.from({ scheme: 'hearth', authority: 'workspace', path: '/' + path })
}

/** Models that are an open tab's buffer (others at a workspace URI were made by a peek or go-to-definition). */
const buffers = new WeakSet<object>()

export function isBufferModel(model: object): boolean {
  return buffers.has(model)
}

/** Open files as Monaco models: one per path, disposed when the tab closes. */
export function monacoBuffers(monaco: Monaco): BufferFactory {
  const factory: BufferFactory = {
    create(path: string, text: string): TextBuffer {
      const language = languageForPath(path, monaco.languages.getLanguages())
      const uri = modelUri(monaco, path)
      // One model per file: a model that go-to-definition or a peek made for this file becomes
      // the tab's (a peek showing it stays live); an older buffer of the path is replaced.
      const existing = monaco.editor.getModel(uri)
      if (existing && buffers.has(existing)) existing.dispose()
      const adopted = existing && !existing.isDisposed() ? existing : undefined
      if (adopted) {
        if (adopted.getValue(monaco.editor.EndOfLinePreference.LF) !== text) adopted.setValue(text)
        monaco.editor.setModelLanguage(adopted, language)
      }
      // Text arrives with \n line ends (the core keeps the file's EOL for saving).
      const model = adopted ?? monaco.editor.createModel(text, language, uri)
      buffers.add(model)
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
        moveTo(next) {
          // A URI cannot change: a new model under the new path takes the text and the editors.
          const moved = factory.create(next, model.getValue(monaco.editor.EndOfLinePreference.LF))
          moveEditors(monaco, model, monaco.editor.getModel(modelUri(monaco, next)))
          model.dispose()
          return moved
        },
      }
    },
  }
  return factory
}

/** Editors showing `from` show `to` instead, cursor and scroll kept; a diff showing it lets go first. */
function moveEditors(
  monaco: Monaco,
  from: ReturnType<Monaco['editor']['createModel']>,
  to: ReturnType<Monaco['editor']['getModel']>,
): void {
  const inDiffs = new Set<unknown>()
  for (const diff of monaco.editor.getDiffEditors()) {
    const m = diff.getModel()
    inDiffs.add(diff.getOriginalEditor()).add(diff.getModifiedEditor())
    if (m && (m.original === from || m.modified === from)) diff.setModel(null)
  }
  for (const ed of monaco.editor.getEditors()) {
    if (inDiffs.has(ed) || ed.getModel() !== from) continue
    const state = ed.saveViewState()
    ed.setModel(to)
    if (state) ed.restoreViewState(state)
  }
}
