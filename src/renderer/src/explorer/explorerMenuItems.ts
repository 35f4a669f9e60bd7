import { formatKey } from '../keyboard/keybindings'
import { isMac } from '../keyboard/useShortcuts'
import { EXPLORER_KEYS } from './explorerActions'
import { SEPARATOR, type MenuItem } from './ExplorerMenu'

const label = (key: string): string => formatKey(key, isMac)

export interface MenuActions {
  newEntry: (kind: 'file' | 'dir', dir: string) => void
  rename: (path: string) => void
  remove: (path: string) => void
  copyPath: (path: string, relative: boolean) => void
  refresh: () => void
}

/** The context menu of a row (`path`), or of the empty space below the rows (no path). */
export function menuItems(
  path: string | undefined,
  dir: string,
  a: MenuActions,
): (MenuItem | typeof SEPARATOR)[] {
  const create: MenuItem[] = [
    { id: 'newFile', label: 'New File…', run: () => a.newEntry('file', dir) },
    { id: 'newFolder', label: 'New Folder…', run: () => a.newEntry('dir', dir) },
  ]
  if (path === undefined) return [...create, SEPARATOR, { id: 'refresh', label: 'Refresh', run: a.refresh }]
  return [
    ...create,
    SEPARATOR,
    {
      id: 'copyPath',
      label: 'Copy Path',
      keys: label(EXPLORER_KEYS.copyPath),
      run: () => a.copyPath(path, false),
    },
    {
      id: 'copyRelativePath',
      label: 'Copy Relative Path',
      keys: label(EXPLORER_KEYS.copyRelativePath),
      run: () => a.copyPath(path, true),
    },
    SEPARATOR,
    { id: 'rename', label: 'Rename…', keys: label(EXPLORER_KEYS.rename), run: () => a.rename(path) },
    { id: 'delete', label: 'Delete', keys: label(EXPLORER_KEYS.delete), run: () => a.remove(path) },
  ]
}
