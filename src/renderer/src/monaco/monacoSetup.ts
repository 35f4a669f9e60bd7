import * as monaco from 'monaco-editor'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import CssWorker from 'monaco-editor/language/css/css.worker?worker'
import HtmlWorker from 'monaco-editor/language/html/html.worker?worker'
import JsonWorker from 'monaco-editor/language/json/json.worker?worker'
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker'
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

// Until the project's files and tsconfig are loaded (language/tsProject.ts, on the first TS/JS
// file shown), the TypeScript service sees only open files: its semantic errors would flag every
// import as missing. Keep syntax errors; the project turns semantic checks on when it is loaded.
// Only the file shown is checked (onlyVisible): the others are checked when they are shown.
for (const defaults of [monaco.typescript.typescriptDefaults, monaco.typescript.javascriptDefaults]) {
  defaults.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: false, onlyVisible: true })
  defaults.setCompilerOptions({
    ...defaults.getCompilerOptions(),
    target: monaco.typescript.ScriptTarget.ESNext,
    module: monaco.typescript.ModuleKind.ESNext,
    allowJs: true,
    allowNonTsExtensions: true,
    jsx: monaco.typescript.JsxEmit.ReactJSX,
  })
}

installHighlighting(monaco)

export type Monaco = typeof monaco
export { monaco }
