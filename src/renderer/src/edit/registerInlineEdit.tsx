import { createRoot } from 'react-dom/client'
import type { HearthApi } from '@shared/contract'
import type { editor as MonacoEditor, IDisposable } from 'monaco-editor'
import type { Monaco } from '../monaco/monacoSetup'
import { editHost, setEditHost, type EditHost } from './editHost'
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
  const show = (target: EditTarget, proposal?: { rewrite: string; label: string }): void => {
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
        {...(proposal ? { proposal } : {})}
      />,
    )
  }
  const open = (): void => {
    const target = targetOf(monaco, editor)
    if (target) show(target)
  }
  const host: EditHost = {
    path: () => {
      const model = editor.getModel()
      return model?.uri.scheme === 'hearth' ? model.uri.path.replace(/^\//, '') : undefined
    },
    review: (lines, rewrite, label) => {
      const target = linesTarget(monaco, editor, lines)
      if (!target) return false
      show(target, { rewrite: fitEnding(rewrite, target.code), label })
      return true
    },
    insert: (text) => {
      const sel = editor.getSelection()
      if (!sel || !host.path() || editor.getOption(monaco.editor.EditorOption.readOnly)) return false
      editor.pushUndoStop()
      editor.executeEdits('hearth.chatInsert', [{ range: sel, text, forceMoveMarkers: true }])
      editor.pushUndoStop()
      editor.focus()
      return true
    },
  }
  setEditHost(host)
  const focus = editor.onDidFocusEditorWidget(() => setEditHost(host))
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
      focus.dispose()
      if (editHost() === host) setEditHost(undefined)
      close()
      // React may still be rendering: unmount after this turn.
      setTimeout(() => root.unmount(), 0)
    },
  }
}

/** These whole lines of the editor's file (clamped to it), or all of it; undefined when it cannot be edited. */
function linesTarget(
  monaco: Monaco,
  editor: MonacoEditor.IStandaloneCodeEditor,
  lines: { startLine: number; endLine: number } | undefined,
): EditTarget | undefined {
  const model = editor.getModel()
  if (!model || model.uri.scheme !== 'hearth' || editor.getOption(monaco.editor.EditorOption.readOnly))
    return undefined
  const count = model.getLineCount()
  const start = Math.min(Math.max(1, lines?.startLine ?? 1), count)
  const end = Math.min(Math.max(start, lines?.endLine ?? count), count)
  const range = new monaco.Range(start, 1, end, model.getLineMaxColumn(end))
  return {
    path: model.uri.path.replace(/^\//, ''),
    range,
    code: model.getValueInRange(range, monaco.editor.EndOfLinePreference.LF),
    before: '',
    after: '',
    language: model.getLanguageId(),
  }
}

/** A code block's text ending as the lines it replaces end (a whole file's final newline kept, none added to a range). */
function fitEnding(rewrite: string, original: string): string {
  const body = rewrite.replace(/\r\n/g, '\n').replace(/\n+$/, '')
  return original.endsWith('\n') ? `${body}\n` : body
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
