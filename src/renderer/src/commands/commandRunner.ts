import { formatKey } from '../keyboard/keybindings'
import type { ShortcutRow } from '../keyboard/ShortcutsView'
import { isMac } from '../keyboard/useShortcuts'
import type { PaletteEntry } from '../quickopen/commandItems'
import { noteCommandRun } from '../session/userState'
import { activeEditor } from './activeEditor'
import { editorActions } from './editorActions'
import { allCommands, commandById, commandLabel } from './registry'
import type { WorkbenchActions, WorkbenchContext } from './workbenchActions'

export interface CommandRunner {
  /** Runs a command if it can run now; false leaves its key to others (Monaco, the browser). */
  run: (id: string, source?: 'key' | 'palette') => boolean
  reportFailure: (label: string, err: unknown) => void
  /** What the palette lists when it opens: the commands that can run now, then the editor's actions. */
  paletteEntries: () => PaletteEntry[]
  /** Every command and editor action with its keys, for the keyboard-shortcuts view. */
  shortcutRows: () => ShortcutRow[]
}

/** How the workbench runs the registry's commands, from a key, the palette or the shortcuts view. */
export function commandRunner(
  context: (source: 'key' | 'palette') => WorkbenchContext,
  showInfo: WorkbenchActions['showInfo'],
): CommandRunner {
  const reportFailure = (label: string, err: unknown): void =>
    showInfo(`${label} failed`, [err instanceof Error ? err.message : String(err)])

  const run = (id: string, source: 'key' | 'palette' = 'key'): boolean => {
    const command = commandById(id)
    if (!command) return false
    const ctx = context(source)
    if (command.enabled && !command.enabled(ctx)) return false
    try {
      const done = command.run(ctx)
      if (done) void done.catch((err: unknown) => reportFailure(commandLabel(command), err))
    } catch (err) {
      reportFailure(commandLabel(command), err)
    }
    return true
  }

  const paletteEntries = (): PaletteEntry[] => {
    const ctx = context('palette')
    const ours: PaletteEntry[] = allCommands()
      .filter((c) => !c.enabled || c.enabled(ctx))
      .map((c) => ({
        id: c.id,
        label: commandLabel(c),
        keys: c.keys?.[0] ? formatKey(c.keys[0], isMac) : '',
        run: () => {
          // "Recently used" is the palette's own memory, as in VS Code (keys do not count).
          noteCommandRun(c.id)
          run(c.id, 'palette')
        },
      }))
    const known = new Set(ours.map((e) => e.id))
    // The editor's actions act on an open file; with none they would do nothing.
    const editor = editorActions(ctx.activePath ? ctx.editor : undefined, reportFailure)
      .filter((a) => !known.has(a.id))
      .map((a) => ({
        id: a.id,
        label: a.label,
        keys: a.keys,
        run: () => {
          noteCommandRun(a.id)
          a.run()
        },
      }))
    return [...ours, ...editor]
  }

  const shortcutRows = (): ShortcutRow[] => [
    ...allCommands()
      .map((c) => ({ id: c.id, label: commandLabel(c), keys: c.keys ?? [] }))
      .sort((a, b) => a.label.localeCompare(b.label)),
    ...editorActions(activeEditor(), reportFailure)
      .filter((a) => !commandById(a.id))
      .map((a) => ({ id: a.id, label: `Editor: ${a.label}`, keys: [], keyLabels: a.keys ? [a.keys] : [] })),
  ]

  return { run, reportFailure, paletteEntries, shortcutRows }
}
