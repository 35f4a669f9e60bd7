import { flushSync } from 'react-dom'
import type { Command } from '../commands/commandTypes'
import { bottomPanel, hideBottomPanel, showBottomPanel } from '../workbench/bottomPanelState'
import { terminalManager } from './terminalManager'

const TERMINAL_VIEW = 'terminal'

/**
 * Shows the terminal view and puts the keyboard in it, starting a shell if there is none. The
 * panel is drawn at once (flushSync) so the keyboard leaves the editor now: keys typed right
 * after Ctrl+` wait on the panel for the shell instead of landing in the file.
 */
async function showTerminal(api: Parameters<typeof terminalManager>[0]): Promise<void> {
  const m = terminalManager(api)
  flushSync(() => showBottomPanel(TERMINAL_VIEW))
  m.focus()
  await m.ensureOne(true)
  // A terminal that was there already: its screen, fitted to the panel just drawn.
  if (m.hasFocus() || document.activeElement === document.body) m.focus()
}

/** The integrated terminal's commands, with VS Code's keys. */
export const terminalCommands: Command[] = [
  {
    id: 'terminal.toggle',
    title: 'Toggle Terminal',
    category: 'View',
    keys: ['ctrl+`'],
    // As VS Code: hidden → shown and focused; shown but not focused → focused; focused → hidden.
    run: async ({ api, editor }) => {
      const m = terminalManager(api)
      const s = bottomPanel.get()
      if (s.visible && s.active === TERMINAL_VIEW && m.hasFocus()) {
        hideBottomPanel()
        editor?.focus()
        return
      }
      await showTerminal(api)
    },
  },
  {
    id: 'terminal.new',
    title: 'Create New Terminal',
    category: 'Terminal',
    keys: ['ctrl+shift+`'],
    run: async ({ api }) => {
      const m = terminalManager(api)
      flushSync(() => showBottomPanel(TERMINAL_VIEW))
      await m.attach()
      await m.create()
      requestAnimationFrame(() => m.layout())
    },
  },
  {
    id: 'terminal.kill',
    title: 'Kill the Active Terminal',
    category: 'Terminal',
    enabled: ({ api }) => terminalManager(api).activeId.get() !== undefined,
    run: ({ api }) => terminalManager(api).kill(),
  },
  {
    id: 'terminal.focus',
    title: 'Focus Terminal',
    category: 'Terminal',
    run: ({ api }) => showTerminal(api),
  },
]
