import { createRoot } from 'react-dom/client'
import type { HearthApi } from '@shared/contract'
import type { editor as MonacoEditor, IDisposable } from 'monaco-editor'
import type { Monaco } from '../monaco/monacoSetup'
import { InlineEdit, type EditTarget } from './InlineEdit'
import './inlineEdit.css'

const CONTEXT_LINES = 30

/** Editor contribution: Ctrl+I (Cmd+I) edits the selected lines, or the block around the cursor. */
export function registerInlineEdit(
  monaco: Monaco,
  editor: MonacoEditor.IStandaloneCodeEditor,
  api: HearthApi,
): IDisposable {
  // A layer over the editor (its container), not a Monaco overlay widget: the review needs the
  // editor's whole area, and overlay widgets live in a zero-sized layer.
  const node = document.createElement('div')
  node.className = 'inline-edit-layer'
  const root = createRoot(node)
  let shown = false
  const close = (): void => {
    if (!shown) return
    shown = false
    root.render(null)
    node.remove()
  }
  const open = (): void => {
    const target = targetOf(monaco, editor)
    if (!target) return
    close()
    shown = true
    const container = editor.getContainerDomNode()
    if (getComputedStyle(container).position === 'static') container.style.position = 'relative'
    container.appendChild(node)
    root.render(
      <InlineEdit
        key={Date.now()}
        monaco={monaco}
        editor={editor}
        api={api}
        target={target}
        onClose={close}
      />,
    )
  }
  const action = editor.addAction({
    id: 'hearth.inlineEdit',
    label: 'Edit with AI',
    keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyI],
    run: open,
  })
  const modelChange = editor.onDidChangeModel(close)
  return {
    dispose: () => {
      action.dispose()
      modelChange.dispose()
      close()
      // React may still be rendering: unmount after this turn.
      setTimeout(() => root.unmount(), 0)
    },
  }
}

/** The selected lines (whole lines), or the block of non-blank lines around the cursor. */
function targetOf(monaco: Monaco, editor: MonacoEditor.IStandaloneCodeEditor): EditTarget | undefined {
  const model = editor.getModel()
  const sel = editor.getSelection()
  if (
    !model ||
    !sel ||
    model.uri.scheme !== 'hearth' ||
    editor.getOption(monaco.editor.EditorOption.readOnly)
  )
    return undefined
  let start = sel.startLineNumber
  let end = sel.endColumn === 1 && sel.endLineNumber > start ? sel.endLineNumber - 1 : sel.endLineNumber
  if (sel.isEmpty()) {
    const blank = (l: number): boolean => model.getLineContent(l).trim() === ''
    while (start > 1 && !blank(start - 1)) start--
    while (end < model.getLineCount() && !blank(end + 1)) end++
  }
  const range = new monaco.Range(start, 1, end, model.getLineMaxColumn(end))
  const LF = monaco.editor.EndOfLinePreference.LF
  const firstBefore = Math.max(1, start - CONTEXT_LINES)
  const lastAfter = Math.min(model.getLineCount(), end + CONTEXT_LINES)
  return {
    path: model.uri.path.replace(/^\//, ''),
    range,
    code: model.getValueInRange(range, LF),
    before:
      start > 1
        ? model.getValueInRange(
            new monaco.Range(firstBefore, 1, start - 1, model.getLineMaxColumn(start - 1)),
            LF,
          )
        : '',
    after:
      end < model.getLineCount()
        ? model.getValueInRange(
            new monaco.Range(end + 1, 1, lastAfter, model.getLineMaxColumn(lastAfter)),
            LF,
          )
        : '',
    language: model.getLanguageId(),
  }
}
