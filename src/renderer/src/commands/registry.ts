import { commandContributions } from '../workbench/contributions'
import { formatKey, normalizeKey, type Keybinding } from '../keyboard/keybindings'
import { aiCommands } from './aiCommands'
import type { Command } from './commandTypes'
import { workbenchCommands } from './workbenchCommands'

/**
 * Every command of the app, in one list: the workbench's own, the AI side's, and each feature's
 * (`commandContributions`). The palette, the keybinding table, the shortcuts view and
 * docs/KEYBOARD.md all derive from this.
 */
export function allCommands(
  contributions: readonly (readonly Command[])[] = commandContributions,
): readonly Command[] {
  const out: Command[] = []
  const seen = new Set<string>()
  for (const list of [workbenchCommands, aiCommands, ...contributions]) {
    for (const c of list) {
      // A second declaration of an id is a bug the registry test names; at run time the first wins.
      if (seen.has(c.id)) continue
      seen.add(c.id)
      out.push(c)
    }
  }
  return out
}

/** Ids declared more than once (across all lists). */
export function duplicateIds(lists: readonly (readonly Command[])[]): string[] {
  const count = new Map<string, number>()
  for (const c of lists.flat()) count.set(c.id, (count.get(c.id) ?? 0) + 1)
  return [...count].filter(([, n]) => n > 1).map(([id]) => id)
}

/** The workbench's key table: each command's keys, except those Monaco dispatches itself. */
export function keybindingTable(commands: readonly Command[] = allCommands()): Keybinding[] {
  return commands.flatMap((c) =>
    c.keysInEditor ? [] : (c.keys ?? []).map((key) => ({ key: normalizeKey(key), command: c.id })),
  )
}

/** Every declared key, editor-dispatched ones included (conflicts are conflicts wherever they run). */
export function allBindings(commands: readonly Command[] = allCommands()): Keybinding[] {
  return commands.flatMap((c) => (c.keys ?? []).map((key) => ({ key: normalizeKey(key), command: c.id })))
}

let byId: Map<string, Command> | undefined

export function commandById(id: string): Command | undefined {
  byId ??= new Map(allCommands().map((c) => [c.id, c]))
  return byId.get(id)
}

/** 'Git: Commit' — what the palette and the shortcuts view show. */
export function commandLabel(c: Pick<Command, 'category' | 'title'>): string {
  return c.category ? `${c.category}: ${c.title}` : c.title
}

/** A command's first key as tooltips show it ("Ctrl+P", "⌘P"); '' when it has none. */
export function keyLabel(commandId: string, isMac: boolean): string {
  const key = commandById(commandId)?.keys?.[0]
  return key ? formatKey(key, isMac) : ''
}
