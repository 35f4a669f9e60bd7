import type { Command } from './commandTypes'
import { requestView } from './requests'
import { workbenchOf } from './workbenchActions'

/** Puts the cursor in a sidebar panel's first input once it is shown (it may already have been). */
function focusPanelInput(panel: string): void {
  requestAnimationFrame(() => {
    const input = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(
      `[data-testid="panel-${panel}"] input, [data-testid="panel-${panel}"] textarea`,
    )
    input?.focus()
    input?.select?.()
  })
}

/**
 * The workbench's own commands: files, tabs, views, the palette itself. VS Code's default keys;
 * browsers keep Ctrl+W / Ctrl+Tab / Ctrl+PageDown for themselves outside Electron, so VS Code's
 * alternates (Ctrl+F4, Ctrl+Alt+…) are bound as well.
 */
export const workbenchCommands: readonly Command[] = [
  {
    id: 'workbench.showCommands',
    category: 'View',
    title: 'Show All Commands',
    keys: ['mod+shift+p', 'f1'],
    run: (ctx) => workbenchOf(ctx).quickOpen('>'),
  },
  {
    id: 'workbench.quickOpen',
    category: 'File',
    title: 'Go to File…',
    keys: ['mod+p', 'mod+e'],
    run: (ctx) => workbenchOf(ctx).quickOpen(),
  },
  {
    id: 'file.openFolder',
    category: 'File',
    title: 'Open Folder…',
    keys: ['mod+k mod+o'],
    run: (ctx) => workbenchOf(ctx).openFolder(),
  },
  {
    id: 'file.save',
    category: 'File',
    title: 'Save',
    keys: ['mod+s'],
    enabled: (ctx) => ctx.activePath !== undefined,
    run: (ctx) => workbenchOf(ctx).save(),
  },
  {
    id: 'file.saveAll',
    category: 'File',
    title: 'Save All',
    keys: ['mod+k s'],
    run: (ctx) => workbenchOf(ctx).saveAll(),
  },
  {
    id: 'file.closeEditor',
    category: 'View',
    title: 'Close Editor',
    keys: ['mod+w', 'ctrl+f4'],
    enabled: (ctx) => ctx.activePath !== undefined,
    run: (ctx) => workbenchOf(ctx).closeActive(),
  },
  {
    id: 'file.closeAllEditors',
    category: 'View',
    title: 'Close All Editors',
    keys: ['mod+k mod+w'],
    enabled: (ctx) => ctx.activePath !== undefined,
    run: (ctx) => workbenchOf(ctx).closeAll(),
  },
  {
    id: 'view.nextEditor',
    category: 'View',
    title: 'Open Next Editor',
    keys: ['ctrl+tab', 'mod+pagedown', 'mod+alt+arrowright'],
    run: (ctx) => workbenchOf(ctx).cycleTab(1),
  },
  {
    id: 'view.previousEditor',
    category: 'View',
    title: 'Open Previous Editor',
    keys: ['ctrl+shift+tab', 'mod+pageup', 'mod+alt+arrowleft'],
    run: (ctx) => workbenchOf(ctx).cycleTab(-1),
  },
  {
    id: 'view.toggleSidebar',
    category: 'View',
    title: 'Toggle Sidebar Visibility',
    keys: ['mod+b'],
    run: (ctx) => workbenchOf(ctx).toggleSidebar(),
  },
  {
    id: 'view.togglePanel',
    category: 'View',
    title: 'Toggle Panel',
    keys: ['mod+j'],
    enabled: (ctx) => workbenchOf(ctx).hasBottomPanel(),
    run: (ctx) => workbenchOf(ctx).togglePanel(),
  },
  {
    id: 'view.showExplorer',
    category: 'View',
    title: 'Show Explorer',
    keys: ['mod+shift+e'],
    run: (ctx) => ctx.showPanel('explorer'),
  },
  {
    id: 'view.showSearch',
    category: 'View',
    title: 'Show Search',
    keys: ['mod+shift+f'],
    run: (ctx) => {
      ctx.showPanel('search')
      focusPanelInput('search')
    },
  },
  {
    id: 'search.literal',
    category: 'Search',
    title: 'Find Exact Text or Regex in Files',
    run: (ctx) => {
      ctx.showPanel('search')
      requestView('search.mode', 'literal')
      focusPanelInput('search')
    },
  },
  {
    id: 'search.code',
    category: 'Search',
    title: 'Code Search (Words and Meaning)',
    run: (ctx) => {
      ctx.showPanel('search')
      requestView('search.mode', 'hybrid')
      focusPanelInput('search')
    },
  },
  {
    id: 'view.showChat',
    category: 'View',
    title: 'Show Chat',
    // Cursor's and Continue's chat key.
    keys: ['mod+l'],
    run: (ctx) => ctx.showPanel('chat'),
  },
  {
    id: 'view.showPerformance',
    category: 'View',
    title: 'Show Performance',
    run: (ctx) => ctx.showPanel('perf'),
  },
  {
    id: 'workbench.openSettings',
    category: 'Preferences',
    title: 'Open Settings',
    keys: ['mod+,'],
    run: (ctx) => ctx.showPanel('settings'),
  },
  {
    id: 'workbench.keyboardShortcuts',
    category: 'Preferences',
    title: 'Keyboard Shortcuts',
    keys: ['mod+k mod+s'],
    run: (ctx) => workbenchOf(ctx).showKeyboardShortcuts(),
  },
]
