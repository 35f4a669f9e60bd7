import { describe, expect, it } from 'vitest'
import { commandContributions } from '../workbench/contributions'
import { findConflicts, isValidKey } from '../keyboard/keybindings'
import { aiCommands } from './aiCommands'
import { allBindings, allCommands, commandLabel, duplicateIds, keybindingTable, keyLabel } from './registry'
import { workbenchCommands } from './workbenchCommands'

describe('command registry', () => {
  const commands = allCommands()

  it('declares each command once, with an area.verb id, a category and a title', () => {
    expect(duplicateIds([workbenchCommands, aiCommands, ...commandContributions])).toEqual([])
    for (const c of commands) {
      expect(c.id, c.id).toMatch(/^[a-zA-Z]+(\.[a-zA-Z]+)+$/)
      expect(c.category.trim(), c.id).not.toBe('')
      expect(c.title.trim(), c.id).not.toBe('')
    }
    // One palette label, one command: two the same would be indistinguishable.
    const labels = commands.map(commandLabel)
    expect(labels.filter((l, i) => labels.indexOf(l) !== i)).toEqual([])
  })

  it('includes every feature’s commands', () => {
    for (const list of commandContributions) for (const c of list) expect(commands).toContain(c)
  })

  it('has well-formed keys and no conflicting defaults', () => {
    for (const b of allBindings()) expect(isValidKey(b.key), `${b.command}: ${b.key}`).toBe(true)
    expect(findConflicts(allBindings())).toEqual([])
  })

  it('keeps VS Code’s defaults for the workbench', () => {
    const table = keybindingTable()
    const commandOf = (key: string) => table.find((b) => b.key === key)?.command
    expect(commandOf('mod+shift+p')).toBe('workbench.showCommands')
    expect(commandOf('f1')).toBe('workbench.showCommands')
    expect(commandOf('mod+p')).toBe('workbench.quickOpen')
    expect(commandOf('mod+s')).toBe('file.save')
    expect(commandOf('mod+b')).toBe('view.toggleSidebar')
    expect(commandOf('mod+k mod+s')).toBe('workbench.keyboardShortcuts')
    expect(commandOf('mod+k mod+o')).toBe('file.openFolder')
    // Monaco dispatches its own keys (inline edit): listed, not in the workbench's table.
    expect(commandOf('mod+i')).toBeUndefined()
    expect(allBindings().find((b) => b.key === 'mod+i')?.command).toBe('chat.inlineEdit')
  })

  it('labels keys for tooltips', () => {
    expect(keyLabel('workbench.quickOpen', false)).toBe('Ctrl+P')
    expect(keyLabel('view.showSearch', true)).toBe('⌘⇧F')
    expect(keyLabel('view.showPerformance', false)).toBe('')
  })
})
