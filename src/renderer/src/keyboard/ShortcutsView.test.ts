import { describe, expect, it } from 'vitest'
import { filterShortcuts, type ShortcutRow } from './ShortcutsView'

const ROWS: ShortcutRow[] = [
  {
    id: 'file.copyRelativePathOfActive',
    label: 'File: Copy Relative Path of Active File',
    keys: ['mod+k mod+shift+p'],
  },
  { id: 'view.toggleSidebar', label: 'View: Toggle Sidebar Visibility', keys: ['mod+b'] },
  { id: 'workbench.showCommands', label: 'View: Show All Commands', keys: ['mod+shift+p', 'f1'] },
  { id: 'editor.action.gotoLine', label: 'Editor: Go to Line/Column…', keys: [], keyLabels: ['Ctrl+G'] },
]
const ids = (q: string, mac = false) => filterShortcuts(ROWS, q, mac).map((r) => r.id)

describe('filterShortcuts', () => {
  it('finds by name (fuzzy) and by id', () => {
    expect(ids('tog side')).toEqual(['view.toggleSidebar'])
    expect(ids('showCommands')).toEqual(['workbench.showCommands'])
  })
  it('finds by key, exact key first, in the platform’s writing', () => {
    expect(ids('ctrl+shift+p')).toEqual(['workbench.showCommands', 'file.copyRelativePathOfActive'])
    expect(ids('⌘B', true)).toEqual(['view.toggleSidebar'])
    expect(ids('ctrl+g')).toEqual(['editor.action.gotoLine'])
    expect(ids('f1')).toEqual(['workbench.showCommands'])
  })
})
