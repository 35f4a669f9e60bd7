import { ObservableValue } from '../util/observableValue'

/**
 * What the explorer can be asked to do from outside (its commands, the palette). The mounted
 * ExplorerPanel registers itself here; a path left out means the explorer's selection.
 */
export interface ExplorerActions {
  /** Starts the inline name input for a new file or folder in `dir` (default: the selection's folder). */
  newEntry(kind: 'file' | 'dir', dir?: string): void
  rename(path?: string): void
  /** Asks, then moves to the trash; `permanent` skips the trash (Shift+Delete). */
  remove(path?: string, permanent?: boolean): void
  copyPath(relative: boolean, path?: string): void
  /** Expands the folders above `path`, selects it, scrolls to it and focuses the tree. */
  reveal(path: string): void
  /** The selected entry, if any. */
  selection(): string | undefined
}

/** The explorer's keys (VS Code's), shared by its commands and its context menu's labels. */
export const EXPLORER_KEYS = {
  rename: 'f2',
  delete: 'delete',
  /** Delete's second key, for macOS keyboards without a Delete key (Finder's and VS Code's). */
  deleteMac: 'meta+backspace',
  deletePermanently: 'shift+delete',
  copyPath: 'shift+alt+c',
  copyRelativePath: 'mod+shift+alt+c',
} as const

/** One explorer per window (the workbench mounts one); undefined while none is mounted. */
export const explorerActions = new ObservableValue<ExplorerActions | undefined>(undefined)

/**
 * Whether keyboard focus is on the explorer's tree itself (its F2 / Delete keys apply only then).
 * Not merely inside it: the inline name box lives in the tree, and Delete there edits the name.
 */
export function explorerTreeFocused(
  focused: Element | null = typeof document === 'undefined' ? null : document.activeElement,
): boolean {
  return focused?.getAttribute('data-testid') === 'explorer-tree'
}
