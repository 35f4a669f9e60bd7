import type { HearthApi } from '@shared/contract'
import type { IDisposable, editor as MonacoEditor } from 'monaco-editor'
import { openInWorkbench } from '../monaco/fileOpener'
import { showingTsx } from '../monaco/highlighting'
import type { Monaco } from '../monaco/monacoSetup'
import { TsProject } from './tsProject'

const TS_FAMILY = new Set(['typescript', 'javascript'])

/** The project of the last editor (tests and the console may look at what was loaded). */
let current: TsProject | undefined
export function currentTsProject(): TsProject | undefined {
  return current
}

/**
 * Language features for the editor (an editor contribution): the workspace as a TypeScript
 * project, loaded when the first TS/JS file is shown; go to definition, Ctrl+click and a peek's
 * "open" landing in a Hearth tab at the right place; TSX's grammar while a .tsx file is shown.
 */
export function registerLanguageFeatures(
  monaco: Monaco,
  editor: MonacoEditor.IStandaloneCodeEditor,
  api: HearthApi,
): IDisposable {
  const project = new TsProject(monaco, api)
  current = project
  const onModel = (): void => {
    const model = editor.getModel()
    if (!model) return
    if (TS_FAMILY.has(model.getLanguageId())) void project.start()
    showingTsx(monaco, model.uri.path.toLowerCase().endsWith('.tsx'))
  }
  onModel()
  const subs: IDisposable[] = [
    editor.onDidChangeModel(onModel),
    editor.onDidChangeModelLanguage(onModel),
    monaco.editor.registerEditorOpener({
      openCodeEditor(source, resource, selectionOrPosition) {
        // The shown file itself: Monaco moves the cursor. Other schemes (TypeScript's own lib
        // files) have no tab to open.
        if (resource.scheme !== 'hearth' || resource.toString() === source.getModel()?.uri.toString())
          return false
        const at =
          selectionOrPosition && 'startLineNumber' in selectionOrPosition
            ? { line: selectionOrPosition.startLineNumber, column: selectionOrPosition.startColumn }
            : selectionOrPosition
              ? { line: selectionOrPosition.lineNumber, column: selectionOrPosition.column }
              : undefined
        return openInWorkbench(resource.path.slice(1), at)
      },
    }),
  ]
  return {
    dispose() {
      for (const s of subs) s.dispose()
      project.dispose()
      if (current === project) current = undefined
    },
  }
}
