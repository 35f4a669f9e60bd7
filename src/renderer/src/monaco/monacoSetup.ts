import * as monaco from 'monaco-editor'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import CssWorker from 'monaco-editor/language/css/css.worker?worker'
import HtmlWorker from 'monaco-editor/language/html/html.worker?worker'
import JsonWorker from 'monaco-editor/language/json/json.worker?worker'
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker'
import { BASE_COMPILER_OPTIONS, diagnosticsOptions } from '../language/tsDefaults'
import { installHighlighting } from './highlighting'

// Workers are bundled next to the app (no CDN, works offline) and started on demand per language.
self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    switch (label) {
      case 'typescript':
      case 'javascript':
        return new TsWorker()
      case 'json':
        return new JsonWorker()
      case 'css':
      case 'scss':
      case 'less':
        return new CssWorker()
      case 'html':
      case 'handlebars':
      case 'razor':
        return new HtmlWorker()
      default:
        return new EditorWorker()
    }
  },
}

// The TypeScript service starts with the files open in the editor only; the project's files and
// tsconfig join it on the first TS/JS file shown (language/tsProject.ts).
for (const defaults of [monaco.typescript.typescriptDefaults, monaco.typescript.javascriptDefaults]) {
  const javascript = defaults === monaco.typescript.javascriptDefaults
  defaults.setDiagnosticsOptions(diagnosticsOptions(javascript, false))
  defaults.setCompilerOptions({ ...defaults.getCompilerOptions(), ...BASE_COMPILER_OPTIONS })
}

installHighlighting(monaco)

export type Monaco = typeof monaco
export { monaco }
