import { useMemo, useState } from 'react'
import { fuzzyScore } from '../quickopen/fuzzyScore'
import { PickerDialog } from '../quickopen/PickerDialog'
import { formatKey } from './keybindings'
import '../quickopen/palette.css'

export interface ShortcutRow {
  id: string
  /** 'Category: Title'. */
  label: string
  keys: readonly string[]
  /** Keys already written for display (Monaco's own actions label their keys themselves). */
  keyLabels?: readonly string[]
}

function labelsOf(r: ShortcutRow, isMac: boolean): readonly string[] {
  return r.keyLabels ?? r.keys.map((k) => formatKey(k, isMac))
}

/**
 * Filters by command name, id or key ("ctrl+shift", "⌘K"), as VS Code's shortcuts editor does;
 * rows whose key is exactly what was typed come first (Ctrl+Shift+P before Ctrl+K Ctrl+Shift+P).
 */
export function filterShortcuts(rows: readonly ShortcutRow[], query: string, isMac: boolean): ShortcutRow[] {
  const q = query.trim().toLowerCase()
  if (q === '') return [...rows]
  const compact = q.replace(/\s+/g, '')
  const exact: ShortcutRow[] = []
  const other: ShortcutRow[] = []
  for (const r of rows) {
    const keys = labelsOf(r, isMac).map((k) => k.toLowerCase())
    if (keys.some((k) => k === q || k.replace(/\s+/g, '') === compact) || r.keys.includes(q)) exact.push(r)
    else if (
      fuzzyScore(compact, r.label) !== undefined ||
      r.id.toLowerCase().includes(q) ||
      keys.some((k) => k.includes(q) || k.replace(/\s+/g, '').includes(compact)) ||
      r.keys.some((k) => k.toLowerCase().includes(q))
    )
      other.push(r)
  }
  return [...exact, ...other]
}

/** Preferences: Keyboard Shortcuts (Ctrl+K Ctrl+S): every command and its keys, searchable. */
export function ShortcutsView({
  rows,
  isMac,
  onClose,
}: {
  rows: readonly ShortcutRow[]
  isMac: boolean
  onClose: () => void
}) {
  const [query, setQuery] = useState('')
  const shown = useMemo(() => filterShortcuts(rows, query, isMac), [rows, query, isMac])
  return (
    <PickerDialog testId="shortcuts-view" className="shortcuts" label="Keyboard shortcuts" onClose={onClose}>
      <input
        autoFocus
        className="quick-open-input"
        data-testid="shortcuts-search"
        placeholder="Search commands or keys (e.g. “toggle”, “ctrl+k”)"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        spellCheck={false}
      />
      <div className="quick-open-list">
        <table>
          <colgroup>
            <col className="shortcut-col-command" />
            <col className="shortcut-col-keys" />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th>Command</th>
              <th>Keys</th>
              <th>Id</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} data-testid="shortcut-row" data-command={r.id}>
                <td>{r.label}</td>
                <td className="shortcut-keys">
                  {labelsOf(r, isMac).map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td className="shortcut-id" title={r.id}>
                  {r.id}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && <div className="quick-open-note">No command or key matches.</div>}
      </div>
      <div className="shortcut-note">
        Editing keys (find, replace, comment, multi-cursor…) are the editor&apos;s, as in VS Code; they are
        listed with the editor&apos;s actions. docs/KEYBOARD.md has this table.
      </div>
    </PickerDialog>
  )
}
