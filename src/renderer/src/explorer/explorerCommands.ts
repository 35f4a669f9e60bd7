import type { Command, CommandContext } from '../commands/commandTypes'
import { EXPLORER_KEYS, explorerActions, explorerTreeFocused, type ExplorerActions } from './explorerActions'

/*
 * The explorer's commands. Those on the explorer's selection (Rename F2, Delete, Copy Path…) are
 * enabled only while the tree has focus: F2 and Delete belong to the editor everywhere else, and a
 * disabled command leaves its key alone. The palette lists them when opened from the tree; from
 * anywhere else it offers the "Active File" ones, which act on the file in the editor.
 */

function inExplorer(ctx: CommandContext, act: (a: ExplorerActions) => void): void {
  ctx.showPanel('explorer')
  const actions = explorerActions.get()
  if (actions) act(actions)
}

/**
 * The selection commands run from their keys only while the tree has focus, and from the palette
 * when it was opened from the tree (it lists them then). A key typed in the palette's box finds
 * the box focused, not the tree, so Delete there edits the query.
 */
function onSelection(ctx: CommandContext): boolean {
  return explorerActions.get()?.selection() !== undefined && explorerTreeFocused(ctx.focused)
}
const hasActive = (ctx: CommandContext): boolean => ctx.activePath !== undefined

export const explorerCommands: readonly Command[] = [
  {
    id: 'explorer.newFile',
    title: 'New File…',
    category: 'File',
    run: (ctx) => inExplorer(ctx, (a) => a.newEntry('file')),
  },
  {
    id: 'explorer.newFolder',
    title: 'New Folder…',
    category: 'File',
    run: (ctx) => inExplorer(ctx, (a) => a.newEntry('dir')),
  },
  {
    id: 'explorer.rename',
    title: 'Rename…',
    category: 'Explorer',
    keys: [EXPLORER_KEYS.rename],
    enabled: onSelection,
    run: (ctx) => inExplorer(ctx, (a) => a.rename()),
  },
  {
    id: 'explorer.delete',
    title: 'Delete (to the Trash)',
    category: 'Explorer',
    // Cmd+Backspace: most Mac keyboards have no Delete key (Finder's and VS Code's key).
    keys: [EXPLORER_KEYS.delete, EXPLORER_KEYS.deleteMac],
    enabled: onSelection,
    run: (ctx) => inExplorer(ctx, (a) => a.remove()),
  },
  {
    id: 'explorer.deletePermanently',
    title: 'Delete Permanently',
    category: 'Explorer',
    keys: [EXPLORER_KEYS.deletePermanently],
    enabled: onSelection,
    run: (ctx) => inExplorer(ctx, (a) => a.remove(undefined, true)),
  },
  {
    id: 'explorer.copyPath',
    title: 'Copy Path',
    category: 'Explorer',
    keys: [EXPLORER_KEYS.copyPath],
    enabled: onSelection,
    run: () => explorerActions.get()?.copyPath(false),
  },
  {
    id: 'explorer.copyRelativePath',
    title: 'Copy Relative Path',
    category: 'Explorer',
    keys: [EXPLORER_KEYS.copyRelativePath],
    enabled: onSelection,
    run: () => explorerActions.get()?.copyPath(true),
  },
  {
    id: 'file.renameActive',
    title: 'Rename Active File…',
    category: 'File',
    enabled: hasActive,
    run: (ctx) => {
      const path = ctx.activePath
      if (path) inExplorer(ctx, (a) => (a.reveal(path), a.rename(path)))
    },
  },
  {
    id: 'file.deleteActive',
    title: 'Delete Active File',
    category: 'File',
    enabled: hasActive,
    run: (ctx) => {
      const path = ctx.activePath
      if (path) inExplorer(ctx, (a) => a.remove(path))
    },
  },
  {
    id: 'file.copyPathOfActive',
    title: 'Copy Path of Active File',
    category: 'File',
    keys: ['mod+k p'],
    enabled: hasActive,
    run: (ctx) => {
      if (ctx.activePath) explorerActions.get()?.copyPath(false, ctx.activePath)
    },
  },
  {
    id: 'file.copyRelativePathOfActive',
    title: 'Copy Relative Path of Active File',
    category: 'File',
    keys: ['mod+k mod+shift+p'],
    enabled: hasActive,
    run: (ctx) => {
      if (ctx.activePath) explorerActions.get()?.copyPath(true, ctx.activePath)
    },
  },
  {
    id: 'explorer.revealActiveFile',
    title: 'Reveal Active File in Explorer',
    category: 'File',
    enabled: hasActive,
    run: (ctx) => {
      const path = ctx.activePath
      if (path) inExplorer(ctx, (a) => a.reveal(path))
    },
  },
]
