import { useEffect, useRef, useState } from 'react'
import type { HearthApi } from '@shared/contract'
import type { editor as MonacoEditor, IRange } from 'monaco-editor'
import type { Monaco } from '../monaco/monacoSetup'
import { openDocuments } from '../documents/openDocuments'
import { applyHunks, type LineChange } from './hunks'

export interface EditTarget {
  path: string
  range: IRange
  /** The range's text (LF), as it was when the edit was asked for. */
  code: string
  before: string
  after: string
  language: string
}

interface Props {
  monaco: Monaco
  editor: MonacoEditor.IStandaloneCodeEditor
  api: HearthApi
  target: EditTarget
  onClose: () => void
  /** A rewrite that is already written (a chat answer's code block): straight to the review. */
  proposal?: { rewrite: string; label: string }
}

type Phase =
  | { kind: 'input' }
  | { kind: 'writing'; text: string }
  | { kind: 'review'; rewrite: string; model: string | null }
  | { kind: 'error'; message: string }

let seq = 0

/**
 * Ctrl+I: an instruction box over the editor; the chat model's rewrite of the lines streams in,
 * then shows as a diff (Monaco's diff editor) to accept whole, hunk by hunk, or reject. Accepting
 * edits the buffer in one undo step; nothing is saved, and a range that changed meanwhile is
 * refused instead of being overwritten.
 */
export function InlineEdit({ monaco, editor, api, target, onClose, proposal }: Props) {
  const [instruction, setInstruction] = useState('')
  const [phase, setPhase] = useState<Phase>(
    proposal ? { kind: 'review', rewrite: proposal.rewrite, model: proposal.label } : { kind: 'input' },
  )
  const abort = useRef<AbortController | undefined>(undefined)
  useEffect(() => () => abort.current?.abort(), [])
  // The file changed on disk after the edit was asked for: the lines it was made for may no longer
  // be the file's, even where the buffer still holds them (unsaved edits are not reloaded).
  const changedOnDisk = useRef(false)
  useEffect(
    () =>
      api.on('file.changed', (c) => {
        if (c.path === target.path) changedOnDisk.current = true
      }),
    [api, target.path],
  )

  const run = async (): Promise<void> => {
    const text = instruction.trim()
    if (!text) return
    const askId = `edit-${Date.now()}-${++seq}`
    const ctl = new AbortController()
    abort.current = ctl
    setPhase({ kind: 'writing', text: '' })
    const off = api.on('edit.delta', (d) => {
      if (d.askId === askId)
        setPhase((p) => (p.kind === 'writing' ? { kind: 'writing', text: p.text + d.text } : p))
    })
    try {
      const r = await api.call(
        'edit.propose',
        {
          askId,
          path: target.path,
          code: target.code,
          before: target.before,
          after: target.after,
          instruction: text,
        },
        { signal: ctl.signal },
      )
      setPhase({ kind: 'review', rewrite: r.rewrite, model: r.model })
    } catch (err) {
      if (ctl.signal.aborted) onClose()
      else setPhase({ kind: 'error', message: err instanceof Error ? err.message : String(err) })
    } finally {
      off()
      abort.current = undefined
    }
  }

  const accept = (final: string): void => {
    const model = editor.getModel()
    if (!model) return onClose()
    const now = model.getValueInRange(target.range, monaco.editor.EndOfLinePreference.LF)
    if (changedOnDisk.current || now !== target.code) {
      setPhase({ kind: 'error', message: refusal(changedOnDisk.current, target.path, !!proposal) })
      return
    }
    // One undo step: Ctrl+Z takes the whole edit back.
    editor.pushUndoStop()
    editor.executeEdits('hearth.inlineEdit', [{ range: target.range, text: final, forceMoveMarkers: true }])
    editor.pushUndoStop()
    onClose()
    editor.focus()
  }

  if (phase.kind === 'review')
    return (
      <Review
        monaco={monaco}
        target={target}
        rewrite={phase.rewrite}
        model={phase.model}
        onAccept={accept}
        onReject={() => {
          onClose()
          editor.focus()
        }}
      />
    )
  return (
    <div className="inline-edit-box" data-testid="inline-edit">
      {phase.kind === 'input' && (
        <input
          autoFocus
          aria-label="Edit instruction"
          placeholder={`Edit lines ${target.range.startLineNumber}-${target.range.endLineNumber}: describe the change (Enter), Esc to cancel`}
          value={instruction}
          onChange={(e) => setInstruction(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void run()
            if (e.key === 'Escape') {
              onClose()
              editor.focus()
            }
            e.stopPropagation()
          }}
        />
      )}
      {phase.kind === 'writing' && (
        <div className="inline-edit-status">
          <span>Writing the edit… {phase.text ? `${phase.text.split('\n').length} lines` : ''}</span>
          <button type="button" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        </div>
      )}
      {phase.kind === 'error' && (
        <div className="inline-edit-status" role="alert">
          <span className="inline-edit-error">{phase.message}</span>
          <button
            type="button"
            onClick={() => {
              onClose()
              editor.focus()
            }}
          >
            Close
          </button>
        </div>
      )}
    </div>
  )
}

/** Why an accept was refused, and what to do next. */
function refusal(onDisk: boolean, path: string, applied: boolean): string {
  const again = applied ? 'apply the code block again' : 'select the lines and press Ctrl+I again'
  if (!onDisk)
    return applied
      ? 'The file changed since this review opened, so nothing was applied. Apply the code block again.'
      : 'The code changed while the edit was being written, so nothing was applied. Select it again and press Ctrl+I.'
  const dirty = openDocuments.get().docs.some((d) => d.path === path && d.dirty)
  return dirty
    ? `The file changed on disk since this review opened, so nothing was applied. Your unsaved edits are kept: use Compare or Reload in the bar above, then ${again}.`
    : `The file changed on disk since this review opened, so nothing was applied. The editor now shows the new text; ${again}.`
}

function Review(props: {
  monaco: Monaco
  target: EditTarget
  rewrite: string
  model: string | null
  onAccept: (final: string) => void
  onReject: () => void
}) {
  const { monaco, target, rewrite, model, onAccept, onReject } = props
  const host = useRef<HTMLDivElement>(null)
  const [changes, setChanges] = useState<LineChange[] | null>(null)
  const [accepted, setAccepted] = useState<Set<number>>(new Set())
  useEffect(() => {
    const el = host.current
    if (!el) return
    const original = monaco.editor.createModel(target.code, target.language)
    const modified = monaco.editor.createModel(rewrite, target.language)
    const diff = monaco.editor.createDiffEditor(el, {
      automaticLayout: true,
      readOnly: true,
      originalEditable: false,
      renderSideBySide: false,
      fontSize: 13,
      scrollBeyondLastLine: false,
    })
    diff.setModel({ original, modified })
    const sub = diff.onDidUpdateDiff(() => {
      const c = (diff.getLineChanges() ?? []) as LineChange[]
      setChanges(c)
      setAccepted(new Set(c.map((_, i) => i)))
    })
    return () => {
      sub.dispose()
      diff.dispose()
      original.dispose()
      modified.dispose()
    }
  }, [monaco, target, rewrite])
  const toggle = (i: number): void =>
    setAccepted((s) => {
      const n = new Set(s)
      if (n.has(i)) n.delete(i)
      else n.add(i)
      return n
    })
  return (
    <div className="inline-edit-review" data-testid="inline-edit-review">
      <div className="inline-edit-bar">
        <strong>Review the edit</strong>
        <span className="inline-edit-model">
          {target.path}:{target.range.startLineNumber}-{target.range.endLineNumber}
        </span>
        {model && <span className="inline-edit-model">{model}</span>}
        {changes && changes.length === 0 && <span>The model changed nothing.</span>}
        <span className="inline-edit-spacer" />
        <button type="button" onClick={() => onAccept(rewrite)} disabled={!changes || changes.length === 0}>
          Accept all
        </button>
        {changes && changes.length > 1 && (
          <button
            type="button"
            onClick={() => onAccept(applyHunks(target.code, rewrite, changes, accepted))}
            disabled={accepted.size === 0}
          >
            Accept checked ({accepted.size}/{changes.length})
          </button>
        )}
        <button type="button" onClick={onReject}>
          Reject
        </button>
      </div>
      {changes && changes.length > 1 && (
        <div className="inline-edit-hunks">
          {changes.map((c, i) => (
            <label key={i}>
              <input type="checkbox" checked={accepted.has(i)} onChange={() => toggle(i)} /> lines{' '}
              {target.range.startLineNumber + Math.max(c.originalStartLineNumber, 1) - 1}
              {c.originalEndLineNumber > c.originalStartLineNumber
                ? `–${target.range.startLineNumber + c.originalEndLineNumber - 1}`
                : ''}
              {c.originalEndLineNumber === 0 ? ' (added)' : c.modifiedEndLineNumber === 0 ? ' (removed)' : ''}
            </label>
          ))}
        </div>
      )}
      <div className="inline-edit-diff" ref={host} data-testid="inline-edit-diff" />
    </div>
  )
}
