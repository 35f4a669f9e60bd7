import type { editor as MonacoEditor } from 'monaco-editor'

export interface EditorActionEntry {
  id: string
  label: string
  /** Monaco's label of its first key ('Ctrl+Shift+K'), '' when none or unknown. */
  keys: string
  run(): void
}

/** Monaco's own palette: F1 is ours now, and its actions are listed in ours instead. */
const LEFT_OUT = new Set(['editor.action.quickCommand'])

interface KeybindingLookup {
  lookupKeybinding(id: string): { getLabel(): string | null } | undefined
}

/**
 * The editor's actions (Format Document, Go to Line, Change All Occurrences…), so nothing Monaco's
 * own palette offered is lost. Its key labels come from Monaco's keybinding service, which the
 * public API does not expose: read defensively, and a label is left out if that ever changes.
 */
export function editorActions(
  editor: MonacoEditor.IStandaloneCodeEditor | undefined,
  /** Told when an action fails (its promise rejects), so the user sees why instead of nothing. */
  onFailure: (label: string, err: unknown) => void,
): EditorActionEntry[] {
  if (!editor) return []
  const service = (editor as unknown as { _standaloneKeybindingService?: Partial<KeybindingLookup> })
    ._standaloneKeybindingService
  const keyOf = (id: string): string => {
    try {
      return typeof service?.lookupKeybinding === 'function'
        ? (service.lookupKeybinding(id)?.getLabel() ?? '')
        : ''
    } catch {
      return ''
    }
  }
  return editor
    .getSupportedActions()
    .filter((a) => !LEFT_OUT.has(a.id) && a.label && a.isSupported())
    .map((a) => ({
      id: a.id,
      label: a.label,
      keys: keyOf(a.id),
      run: () => {
        editor.focus()
        a.run().catch((err: unknown) => onFailure(a.label, err))
      },
    }))
}
